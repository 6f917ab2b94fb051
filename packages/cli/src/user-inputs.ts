import { closeSync, openSync, readSync, statSync } from 'node:fs';
import {
  buildCatalog,
  type Catalog,
  type Device,
  hardwareFileSchema,
  InputError,
  type Model,
  modelFileSchema,
  modelFromGguf,
  modelFromHfConfig,
  parseDocumentWith,
  parseYamlOrJson,
  readGgufHeader,
  type WeightFormat,
  weightFormatFromGguf,
} from '@clearbox/core';
import { loadCatalogWithoutPrices, readTextFile } from '@clearbox/store';

export function looksLikePath(value: string): boolean {
  return /[\\/]/.test(value) || /\.(json|gguf|ya?ml)$/i.test(value);
}

/** Core has no clock: the file's modification date stands as the date of a user-supplied source. */
function fileDate(path: string): string {
  return statSync(path).mtime.toISOString().slice(0, 10);
}

/** GGUF headers (metadata + tensor infos) sit at the start; read growing prefixes until one parses. */
function readGgufPrefix(path: string): { model: Model; weightFormat?: WeightFormat } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new InputError(`cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  const fd = openSync(path, 'r');
  try {
    for (let length = Math.min(size, 4 << 20); ; length = Math.min(size, length * 4)) {
      const bytes = new Uint8Array(length);
      readSync(fd, bytes, 0, length, 0);
      try {
        const parsed = modelFromGguf(readGgufHeader(bytes, path), path, { date: fileDate(path) });
        const format = weightFormatFromGguf(parsed.weightFormat);
        return format ? { model: parsed.model, weightFormat: format } : { model: parsed.model };
      } catch (error) {
        if (length >= size || !(error instanceof InputError) || !/header is longer than/.test(error.message))
          throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** A model given as a file: Hugging Face config.json, GGUF header, or a Clearbox model YAML. */
export function readModelFile(path: string): { model: Model; weightFormat?: WeightFormat } {
  if (/\.gguf$/i.test(path)) return readGgufPrefix(path);
  const file = readTextFile(path);
  if (/\.json$/i.test(path)) {
    const data = parseYamlOrJson(file) as Record<string, unknown>;
    if (data && typeof data === 'object' && 'models' in data)
      return { model: firstModel(parseDocumentWith(modelFileSchema, file).models, path) };
    return { model: modelFromHfConfig(data, path, { date: fileDate(path) }) };
  }
  return { model: firstModel(parseDocumentWith(modelFileSchema, file).models, path) };
}

function firstModel(models: Model[], path: string): Model {
  const first = models[0];
  if (!first) throw new InputError('expected at least one model', `${path} models`);
  return first;
}

export function readHardwareFile(path: string): Device {
  const file = readTextFile(path);
  const data = parseYamlOrJson(file);
  // A single device may be written on its own, without the catalog file's wrapper.
  const single = data !== null && typeof data === 'object' && !('version' in data);
  const doc = parseDocumentWith(
    hardwareFileSchema,
    single ? { path, text: JSON.stringify({ version: 1, devices: [data] }) } : file,
  );
  const first = doc.devices?.[0];
  if (!first) throw new InputError('expected a device', `${path} devices`);
  return first;
}

export interface ResolvedInputs {
  catalog: Catalog;
  model?: string;
  hardware?: string;
  weightFormat?: WeightFormat;
}

/**
 * The default catalog, plus the user's own model or hardware when given as files. The estimate commands
 * that call this quote no API price, so the catalog comes without price tables (they took a tenth of
 * `estimate infer`'s start-up to parse and layer).
 */
export function catalogWithUserInputs(
  model: string | undefined,
  hardware: string | undefined,
): ResolvedInputs {
  const base = loadCatalogWithoutPrices();
  const out: ResolvedInputs = { catalog: base };
  if (model !== undefined) out.model = model;
  if (hardware !== undefined) out.hardware = hardware;
  if ((model === undefined || !looksLikePath(model)) && (hardware === undefined || !looksLikePath(hardware)))
    return out;
  const catalog = buildCatalog([], base);
  if (model !== undefined && looksLikePath(model)) {
    const read = readModelFile(model);
    catalog.models = [read.model, ...catalog.models.filter((m) => m.id !== read.model.id)];
    out.model = read.model.id;
    if (read.weightFormat) out.weightFormat = read.weightFormat;
  }
  if (hardware !== undefined && looksLikePath(hardware)) {
    const device = readHardwareFile(hardware);
    catalog.devices = [device, ...catalog.devices.filter((d) => d.id !== device.id)];
    out.hardware = device.id;
  }
  out.catalog = catalog;
  return out;
}
