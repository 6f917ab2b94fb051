import type { Catalog } from '../catalog/catalog.ts';
import type { TextFile } from '../catalog/parse.ts';
import type { Estimator } from '../estimate/estimator.ts';

/**
 * Everything a check may consult. Core reads no files: the edge hands over the disclosures it could
 * read (by id and by the path a claim names), and the estimator wraps the catalog with its calibration
 * (whose measurements the measured-performance check reads).
 */
export interface AuditContext {
  catalog: Catalog;
  estimator: Estimator;
  disclosures: ReadonlyMap<string, TextFile>;
}

export function auditContext(
  catalog: Catalog,
  disclosures: ReadonlyMap<string, TextFile>,
  estimator: Estimator,
): AuditContext {
  return { catalog, estimator, disclosures };
}
