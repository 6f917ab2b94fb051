/** Figures: every number with its derivation */

export * from './catalog/calibration-schema.ts';
/** Catalog: schemas, parsing, lookup */
export type { Catalog, CatalogSection } from './catalog/catalog.ts';
export { buildCatalog, emptyCatalog, findDevice, findModel, findTier, sectionOf } from './catalog/catalog.ts';
export { closestIds } from './catalog/closest.ts';
export type { TextFile, ValidationIssue } from './catalog/parse.ts';
export { parseDocumentWith, parseYamlOrJson, validateWith } from './catalog/parse.ts';
export * from './catalog/schema.ts';
/** Errors a user can cause */
export { ClearboxError, InputError, NotFoundError } from './errors/clearbox-error.ts';
export { explain, formatFigure, formatNumber } from './figure/explain.ts';
export type { Figure, FigureSpec, NamedValue } from './figure/figure.ts';
export { figure, given, isFigure, named } from './figure/figure.ts';
export type { Source } from './figure/source.ts';

/** Bring your own model */
export type { HfConfigOptions } from './catalog/hf-config.ts';
export { modelFromHfConfig } from './catalog/hf-config.ts';
