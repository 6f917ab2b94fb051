import { z } from 'zod';
import { disclosureSchema } from './schema.ts';

export const DISCLOSURE_SCHEMA_ID = 'https://clearbox.dev/schema/disclosure-v1.json';

/**
 * The published JSON Schema (draft 2020-12) of the disclosure format, generated from the zod schema
 * so the two cannot drift. Cross-field rules (either amount or quantity, dates in order, allocation
 * keys that exist) are checked by `clearbox disclose check`, not expressible here.
 */
export function disclosureJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(disclosureSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    ...generated,
    $id: DISCLOSURE_SCHEMA_ID,
    title: 'Clearbox AI cost disclosure, version 1',
    description:
      'A full-lifecycle AI model cost disclosure: header, boundary, allocation keys, physical quantities and sourced items by stage. Specification: docs/disclosure-standard.md.',
  };
}

/** The schema as the committed file holds it: two-space JSON and a final newline. */
export function disclosureJsonSchemaText(): string {
  return `${JSON.stringify(disclosureJsonSchema(), null, 2)}\n`;
}
