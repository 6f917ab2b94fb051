import type { TextFile } from '@clearbox/core';
import { z } from '@hono/zod-openapi';

/**
 * A user document (claims, workload, disclosure) in a JSON body: either its YAML/JSON text as written,
 * so errors point at the user's own lines, or the parsed object.
 */
export const documentSchema = (what: string) =>
  z.union([
    z
      .string()
      .min(1)
      .openapi({ description: `the ${what} as YAML or JSON text (errors name its lines)` }),
    z.record(z.string(), z.unknown()).openapi({ description: `the ${what} as a JSON object` }),
  ]);

/** The document as the TextFile core parses; an object is pretty-printed so lines still mean something. */
export function documentFile(path: string, value: string | Record<string, unknown>): TextFile {
  return { path, text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) };
}
