import type { HostedModel } from '../catalog/price-schema.ts';
import { type GenaiProvider, importGenaiPrices } from './genai-prices.ts';
import type { GenaiLayer } from './layers.ts';

/**
 * The pinned @pydantic/genai-prices (package.json pins it exactly; a test checks the installed
 * version). `published` is its npm publication date (registry "time" field, checked 2026-12-04):
 * the date its undated prices are known to have been current.
 */
export const genaiPricesPackage = {
  name: '@pydantic/genai-prices',
  version: '0.1.8',
  published: '2026-09-23',
  /** The remote table the package documents (`REMOTE_DATA_JSON_URL`), for `clearbox prices update`. */
  remoteDataUrl: 'https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json',
} as const;

/**
 * The package's bundled table. Imported on demand so a web page that shows no API price never loads
 * it (about 480 KB of JavaScript). `waitForUpdate` resolves to the table in use, which is the bundled
 * one: Clearbox never calls the package's own auto-update (newer tables go through `prices update`).
 */
export async function bundledGenaiProviders(): Promise<GenaiProvider[]> {
  const { waitForUpdate } = await import('@pydantic/genai-prices');
  const data = await waitForUpdate();
  // Trusted pinned data, checked against `genaiDataSchema` by a test, not on every load.
  return (data ?? []) as unknown as GenaiProvider[];
}

/** The bundled table as the bottom price layer, with the catalog's hosted-model map applied. */
export function bundledGenaiLayer(
  providers: readonly GenaiProvider[],
  hosted: readonly HostedModel[],
): GenaiLayer {
  const label = `${genaiPricesPackage.name} ${genaiPricesPackage.version}`;
  return {
    label,
    asOf: genaiPricesPackage.published,
    data: importGenaiPrices(
      providers,
      { layer: 'genai-prices', label, asOf: genaiPricesPackage.published },
      hosted,
    ),
  };
}
