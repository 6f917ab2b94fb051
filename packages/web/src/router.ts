import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/estimate`): every page works from a plain static file server, and the server needs
 * no fallback route. The pillar names are the same as the CLI commands and API paths.
 */
export const pages = [
  { path: '/', title: 'Overview' },
  { path: '/estimate', title: 'Estimate' },
  { path: '/disclose', title: 'Disclose' },
  { path: '/audit', title: 'Audit' },
  { path: '/decide', title: 'Decide' },
  { path: '/watch', title: 'Watch' },
  { path: '/investigate', title: 'Investigate' },
  { path: '/catalog', title: 'Catalog' },
] as const;

export type PagePath = (typeof pages)[number]['path'];

export function currentPath(hash: string): PagePath {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  return pages.find((p) => p.path === path)?.path ?? '/';
}

export function useRoute(): PagePath {
  const [path, setPath] = useState<PagePath>(() => currentPath(location.hash));
  useEffect(() => {
    const onChange = () => setPath(currentPath(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return path;
}
