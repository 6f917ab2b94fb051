import { useRef } from 'preact/hooks';

/**
 * The most recent successful view: while one field holds a mistake the page keeps showing the last
 * result that computed (marked as such) instead of blanking everything.
 */
export function useLastValid<T extends { ok: boolean }>(view: T): Extract<T, { ok: true }> | undefined {
  const last = useRef<Extract<T, { ok: true }> | undefined>(undefined);
  if (view.ok) last.current = view as Extract<T, { ok: true }>;
  return last.current;
}
