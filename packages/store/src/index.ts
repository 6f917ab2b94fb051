/** Catalog files on disk: the edge where core's pure catalog meets the file system. */

/** Output files: never half-written. */
export { writeFileAtomic } from './atomic-write.ts';
export {
  defaultDataDir,
  defaultStorePath,
  fileErrorText,
  getMaxInputBytes,
  layeredCatalog,
  loadCatalogWithoutPrices,
  loadDefaultCatalog,
  loadShippedCalibration,
  loadShippedCatalog,
  readStoredPriceTable,
  readTextFile,
  readTextFiles,
  setMaxInputBytes,
  storeGenaiLayer,
  storePathFromEnv,
} from './catalog-files.ts';
/** Disclose: FOCUS billing exports, read as a stream. */
export { importFocusFile } from './focus-file.ts';
/** Prices: genai-prices tables saved by `clearbox prices update` (the store price layer). */
export { PriceTableStore, type StoredPriceTable } from './prices/price-tables.ts';

/** SQLite store: WAL, foreign keys, versioned migrations; saved items keep every revision. */
export { type OpenDatabaseOptions, openDatabase } from './sqlite/database.ts';
export { type Migration, migrate, migrations, schemaVersion } from './sqlite/migrations.ts';
export {
  type ItemUpdate,
  type NewItem,
  RevisionConflictError,
  type SavedItem,
  type SavedItemKind,
  type SavedItemSummary,
  SavedItemStore,
  type SavedRevision,
  savedItemKinds,
} from './saved-items.ts';
export { preloadReferenceItems, referenceFolders } from './reference-items.ts';

/** Pillar: investigate (corpora on disk, chain of custody); the log engines are in @clearbox/logs. */
export {
  type OverlapReport,
  type OverlapRequest,
  investigateOverlapFiles,
  investigateOverlapTexts,
  type OverlapTexts,
} from './investigate/investigate-overlap.ts';
export { clearboxVersion, fileDigest, fileDigestAsync } from './investigate/provenance.ts';
export { type SynthCorporaFiles, writeSynthCorpora } from './investigate/synth-corpora.ts';

/** Native engines, loaded on first use (the packed CLI leaves them optional). */
export { loadNative, MissingEngineError } from './native.ts';
