import { parseDocument } from 'yaml';
import type { Catalog } from '../catalog/catalog.ts';
import { parseYamlOrJson, type TextFile, type ValidationIssue, validateWith } from '../catalog/parse.ts';
import { type ApiPrice, apiPriceSchema } from '../catalog/price-schema.ts';
import { type Device, deviceSchema } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { type Claim, claimSchema, claimsEnvelopeSchema, claimsFileSchema } from './claim-schema.ts';

export interface ParsedClaims {
  /** The claims that passed validation, with their index in the file. */
  claims: Array<{ index: number; claim: Claim }>;
  /** Every problem found, each with file, line and field path; valid claims are kept regardless. */
  issues: ValidationIssue[];
  /** The catalog plus the devices and prices the file defines. */
  catalog: Catalog;
}

function issuesError(issues: ValidationIssue[], path: string): InputError {
  const [first, ...rest] = issues;
  const more = rest.map((i) => `\n  ${i.where}: ${i.message}`).join('');
  return new InputError(`${first?.message ?? 'invalid'}${more}`, first?.where ?? path);
}

/**
 * Parses a claims file so that one bad claim never hides the others: the envelope must be right
 * (version, a claims list), then every claim is validated on its own and the valid ones are kept.
 */
export function parseClaims(
  file: TextFile,
  catalog: Catalog,
  disclosures: readonly string[] = [],
): ParsedClaims {
  const data = parseYamlOrJson(file);
  const envelope = validateWith(claimsEnvelopeSchema, data, file);
  if (!envelope.success) throw issuesError(envelope.issues, file.path);
  const issues: ValidationIssue[] = [];
  const devices: Device[] = [];
  const known = new Set(catalog.devices.flatMap((d) => [d.id, ...(d.aliases ?? [])]));
  for (const raw of envelope.data.devices ?? []) {
    const parsed = deviceSchema.safeParse(raw);
    if (!parsed.success) continue; // reported with its line by the whole-file validation below
    if (known.has(parsed.data.id)) {
      issues.push({
        where: `${file.path} devices (entry "${parsed.data.id}")`,
        message: `device id "${parsed.data.id}" is already in the catalog`,
      });
      continue;
    }
    known.add(parsed.data.id);
    devices.push(parsed.data);
  }
  const prices: ApiPrice[] = [];
  const knownPrices = new Set(catalog.prices.map((p) => p.id));
  for (const raw of envelope.data.prices ?? []) {
    const parsed = apiPriceSchema.safeParse(raw);
    if (!parsed.success) continue; // reported with its line by the whole-file validation below
    if (knownPrices.has(parsed.data.id)) {
      issues.push({
        where: `${file.path} prices (entry "${parsed.data.id}")`,
        message: `price id "${parsed.data.id}" is already in the catalog`,
      });
      continue;
    }
    knownPrices.add(parsed.data.id);
    prices.push(parsed.data);
  }
  const extended: Catalog =
    devices.length || prices.length
      ? { ...catalog, devices: [...catalog.devices, ...devices], prices: [...catalog.prices, ...prices] }
      : catalog;
  const ids = { catalog: extended, disclosures };
  const whole = validateWith(claimsFileSchema(ids), data, file);
  if (!whole.success) issues.push(...whole.issues);
  const one = claimSchema(ids);
  const claims: ParsedClaims['claims'] = [];
  const seen = new Set<string>();
  envelope.data.claims.forEach((raw, index) => {
    const parsed = one.safeParse(raw);
    if (!parsed.success) return;
    if (seen.has(parsed.data.id)) {
      issues.push({
        where: `${file.path} claims[${index}].id`,
        message: `claim id "${parsed.data.id}" is used twice`,
      });
      return;
    }
    seen.add(parsed.data.id);
    claims.push({ index, claim: parsed.data });
  });
  return { claims, issues, catalog: extended };
}

/** Splits `kind=x a.price=y claimed=[0.35, 0.37]` on spaces outside brackets and quotes. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    if (/\s/.test(c) && depth === 0 && !quote) {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/**
 * One claim from the command line, as `key=value` pairs (dotted keys nest: `a.price=gpt-4o-2024-08`;
 * values are YAML flow values: `claimed=[0.35, 0.37]`, `claimed={atLeast: 0.6}`). Returns a claims
 * file text, so the command line goes through exactly the same validation as a file.
 */
export function claimsTextFromLine(line: string, source: { title: string; date: string }): string {
  const check: Record<string, unknown> = {};
  for (const token of tokens(line)) {
    const eq = token.indexOf('=');
    if (eq <= 0) throw new InputError(`expected key=value, got "${token}"`, '--claim');
    const key = token.slice(0, eq);
    const text = token.slice(eq + 1);
    const doc = parseDocument(text);
    if (doc.errors.length > 0) throw new InputError(`cannot read the value of ${key}: "${text}"`, '--claim');
    const value = doc.toJS() as unknown;
    const path = key.split('.');
    let node = check;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = value;
  }
  const doc = { version: 1, claims: [{ id: 'command-line', text: line, source, check }] };
  return JSON.stringify(doc, null, 2);
}
