import type { Estimator } from '@clearbox/core';
import { useEffect, useState } from 'preact/hooks';
import { defaultEstimator, pricedEstimator } from '../catalog-data.ts';

/**
 * The estimator with the full API price table once it has loaded (`loading` until then, and the
 * catalog's own prices meanwhile). With `enabled` false nothing is fetched.
 */
export function usePricedEstimator(enabled = true): {
  estimator: Estimator;
  loading: boolean;
  error?: string;
} {
  const [state, setState] = useState<{ estimator: Estimator; loading: boolean; error?: string }>(() => ({
    estimator: defaultEstimator(),
    loading: enabled,
  }));
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    pricedEstimator().then(
      (estimator) => live && setState({ estimator, loading: false }),
      (error: unknown) =>
        live &&
        setState((s) => ({
          estimator: s.estimator,
          loading: false,
          error: `the API price table did not load (${error instanceof Error ? error.message : String(error)}): only the catalog's own prices are used`,
        })),
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  return state;
}
