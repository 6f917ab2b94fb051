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
