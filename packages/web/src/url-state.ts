import type { TextFile } from '@clearbox/core';
import { useEffect, useState } from 'preact/hooks';

/**
 * Page state lives in the hash's query (`#/estimate?infer=--model+deepseek-v3+...`), so a result can be
 * shared as a link and survives a reload. Writes replace the history entry: typing does not leave a
 * hundred back-button steps, and `hashchange` (the router's signal) is not fired.
 */
function hashQuery(): URLSearchParams {
  return new URLSearchParams(location.hash.split('?')[1] ?? '');
}

export function readHashParam(key: string): string | undefined {
  return hashQuery().get(key) ?? undefined;
}

export function writeHashParam(key: string, value: string | undefined): void {
  const path = location.hash.split('?')[0] || '#/';
  const params = hashQuery();
  if (value) params.set(key, value);
  else params.delete(key);
  const query = params.toString();
  const next = `${path}${query ? `?${query}` : ''}`;
  if (next !== location.hash) history.replaceState(history.state, '', next);
}

/**
 * A string kept in the URL under `key`: read on load and whenever the hash changes (a pasted link on
 * the same page), written on every change.
 */
export function useHashParam(key: string): [string | undefined, (value: string | undefined) => void] {
  const [value, setValue] = useState(() => readHashParam(key));
  useEffect(() => {
    const onChange = () => setValue(readHashParam(key));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, [key]);
  const set = (next: string | undefined) => {
    writeHashParam(key, next);
    setValue(next);
  };
  return [value, set];
}

/** The file name a document is known by in a link: its last path segment. */
const baseName = (path: string) => path.split('/').pop() ?? path;

/**
 * A page's document (a workload, a disclosure, claims, signals) kept in the URL: `key` names the file,
 * and `${key}-text` holds the text only when it differs from the shipped file of that name, so a link
 * to a reference stays short and an edited document still reopens exactly as it was.
 */
export function useHashDocument(
  key: string,
  shipped: readonly TextFile[],
  fallback: TextFile,
): [TextFile, (next: TextFile) => void] {
  const read = (): TextFile => {
    const name = readHashParam(key);
    const text = readHashParam(`${key}-text`);
    const reference = name === undefined ? undefined : shipped.find((f) => baseName(f.path) === name);
    if (text !== undefined) return { path: reference?.path ?? name ?? baseName(fallback.path), text };
    return reference ?? fallback;
  };
  const [file, setFile] = useState(read);
  useEffect(() => {
    const onChange = () => {
      const next = read();
      setFile((shown) => (shown.path === next.path && shown.text === next.text ? shown : next));
    };
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, [key]);
  const set = (next: TextFile) => {
    const reference = shipped.find((f) => f.path === next.path);
    writeHashParam(key, baseName(next.path));
    writeHashParam(`${key}-text`, reference && reference.text === next.text ? undefined : next.text || ' ');
    setFile(next);
  };
  return [file, set];
}
