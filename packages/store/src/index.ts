/** Catalog files on disk: the edge where core's pure catalog meets the file system. */

/** Output files: never half-written. */
export { writeFileAtomic } from './atomic-write.ts';
export { defaultDataDir, loadDefaultCatalog, readTextFile, readTextFiles } from './catalog-files.ts';
