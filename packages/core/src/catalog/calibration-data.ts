import { calibrationFileSchema, type InferencePoint, type TrainingPoint } from './calibration-schema.ts';
import { sectionOf } from './catalog.ts';
import { parseDocumentWith, type TextFile } from './parse.ts';

/**
 * The published measurements the estimator is fitted on (data/calibration), kept apart from the catalog:
 * they are most of the data's bytes, and only the fits, `validate` and the audit's measured-performance
 * check read them. Interfaces load them when one of those first asks (`createEstimator` takes a loader).
 */
export interface CalibrationData {
  inference: InferencePoint[];
  training: TrainingPoint[];
}

export function emptyCalibration(): CalibrationData {
  return { inference: [], training: [] };
}

/**
 * Parses and validates the calibration files among `files` (those in a `calibration/` folder; others are
 * the catalog's, read by `buildCatalog`); an error names the file, line, entry and field.
 */
export function buildCalibration(
  files: readonly TextFile[],
  base: CalibrationData = emptyCalibration(),
): CalibrationData {
  const out: CalibrationData = { inference: [...base.inference], training: [...base.training] };
  for (const file of files) {
    if (sectionOf(file.path) !== 'calibration') continue;
    const doc = parseDocumentWith(calibrationFileSchema, file);
    out.inference.push(...(doc.inference ?? []));
    out.training.push(...(doc.training ?? []));
  }
  return out;
}
