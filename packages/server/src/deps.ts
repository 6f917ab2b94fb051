import type { Estimator, TextFile } from '@clearbox/core';
import type { SavedItemStore } from '@clearbox/store';

/** What the app is built from; the server holds one of each for its whole life. */
export interface AppDeps {
  /** Catalog with calibration fitted once at start: no request refits anything. */
  estimator: Estimator;
  items: SavedItemStore;
  /** When set, every request that changes saved data needs `Authorization: Bearer <token>`. */
  writeToken?: string;
  maxBodyBytes: number;
  /**
   * Bound to a loopback address: requests must then name a loopback Host (DNS rebinding defence).
   * startServer sets it from the address it binds.
   */
  loopbackOnly?: boolean;
  requestTimeoutMs: number;
  /** The built web app (packages/web/dist). */
  webDist: string;
  /** Disclosures claims may name by id (default: the shipped data/disclosures). */
  referenceDisclosures?: ReadonlyMap<string, TextFile>;
  /**
   * Called before each API request: brings the catalog's prices up to date with the newest table
   * `clearbox prices update` saved in the store, so a running server uses it without a restart.
   */
  refreshPrices?: () => void;
  accessLog?: (line: string) => void;
  errorLog?: (line: string) => void;
}

export const defaultMaxBodyBytes = 5 * 1024 * 1024;
export const defaultRequestTimeoutMs = 30_000;
