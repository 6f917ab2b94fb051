/** Catalog files on disk: the edge where core's pure catalog meets the file system. */
export { defaultDataDir, loadDefaultCatalog, readTextFile, readTextFiles } from './catalog-files.ts';
