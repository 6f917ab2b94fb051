import { useEffect, useState } from 'preact/hooks';

/**
 * The value as of the last pause in editing: pages whose engine call takes tens to hundreds of ms
 * recompute on this instead of on every keystroke. The setter commits a value at once (a loaded file is
 * complete: nothing to wait for).
 */
export function useSettled<T>(value: T, pauseMs: number): [T, (next: T) => void] {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), pauseMs);
    return () => clearTimeout(timer);
  }, [value, pauseMs]);
  return [settled, setSettled];
}
