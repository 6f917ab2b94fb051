import {
  InputError,
  type Model,
  modelFromGguf,
  modelFromHfConfig,
  readGgufHeader,
  type WeightFormat,
  weightFormatFromGguf,
} from '@clearbox/core';

/** A model read from the person's own file, with the weight format the file itself declares (GGUF). */
export interface ModelFromFile {
  model: Model;
  fileName: string;
  weightFormat?: WeightFormat;
}

/** Core has no clock: the file's modification date stands as the date of the user-supplied source. */
function fileDate(file: File): string {
  return new Date(file.lastModified || 0).toISOString().slice(0, 10);
}

/**
 * Reads a Hugging Face config.json whole, or only the header of a GGUF file: its metadata and tensor
 * table sit at the start, so growing prefixes (4 MB, 16 MB, ...) are read until one parses, and the
 * weights (gigabytes) are never loaded into the page.
 */
export async function readModelFile(file: File): Promise<ModelFromFile> {
  const date = fileDate(file);
  if (/\.gguf$/i.test(file.name)) {
    for (let length = Math.min(file.size, 4 << 20); ; length = Math.min(file.size, length * 4)) {
      const bytes = new Uint8Array(await file.slice(0, length).arrayBuffer());
      try {
        const parsed = modelFromGguf(readGgufHeader(bytes, file.name), file.name, { date });
        // llama.cpp's type names that are Clearbox weight formats: the CLI maps them with the same function.
        const weightFormat = weightFormatFromGguf(parsed.weightFormat);
        return weightFormat
          ? { model: parsed.model, fileName: file.name, weightFormat }
          : { model: parsed.model, fileName: file.name };
      } catch (error) {
        if (
          length >= file.size ||
          !(error instanceof InputError) ||
          !/header is longer than/.test(error.message)
        )
          throw error;
      }
    }
  }
  if (!/\.json$/i.test(file.name))
    throw new InputError('expected a Hugging Face config.json or a .gguf file', file.name);
  if (file.size > 4 << 20)
    throw new InputError('a config.json this large is not a model config (over 4 MB)', file.name);
  let data: unknown;
  try {
    data = JSON.parse(await file.text());
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, file.name);
  }
  return { model: modelFromHfConfig(data, file.name, { date }), fileName: file.name };
}
