import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { shippedCatalog, shippedEstimator } from '../../test/load-catalog.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { TextFile } from '../catalog/parse.ts';
import { ClearboxError } from '../errors/clearbox-error.ts';
import { auditClaims } from './audit.ts';
import { auditContext } from './context.ts';
import { claimsTextFromLine, parseClaims } from './parse-claims.ts';

const catalog: Catalog = shippedCatalog();
const estimator = shippedEstimator(catalog);
const source = { title: 'test', date: '2025-01-01' };
const good = {
  id: 'mixtral',
  text: 'Mixtral activates 28%',
  source,
  check: { kind: 'activation-ratio', model: 'mixtral-8x7b', claimed: 0.28 },
};
const file = (claims: unknown[], extra: Record<string, unknown> = {}): TextFile => ({
  path: 'claims.yaml',
  text: stringify({ version: 1, ...extra, claims }),
});

describe('claims parser: every problem listed with its path, valid claims kept', () => {
  it('unknown kind, unknown model (with the closest ids), missing field, wrong type', () => {
    const parsed = parseClaims(
      file([
        good,
        { ...good, id: 'kind', check: { kind: 'vibes', model: 'x' } },
        { ...good, id: 'model', check: { kind: 'activation-ratio', model: 'mixtral-8x8b', claimed: 0.28 } },
        {
          ...good,
          id: 'missing',
          check: { kind: 'hardware-ratio', a: 'h100-sxm', metric: 'bf16-flops', claimed: 3 },
        },
        {
          ...good,
          id: 'type',
          check: {
            kind: 'price-change',
            from: 'o1-mini-2024-09',
            to: 'o3-mini-2025-01',
            side: 'input',
            claimed: 'a lot',
          },
        },
      ]),
      catalog,
    );
    expect(parsed.claims.map((c) => c.claim.id)).toEqual(['mixtral']);
    const text = parsed.issues.map((i) => `${i.where}: ${i.message}`).join('\n');
    expect(text).toMatch(/claims\[1\]\.check\.kind.*unknown check kind: expected one of training-cost/);
    expect(text).toMatch(/claims\[2\]\.check\.model.*unknown model "mixtral-8x8b"; closest: mixtral-8x7b/);
    expect(text).toMatch(/claims\[3\]\.check\.b/);
    expect(text).toMatch(/claims\[4\]\.check\.claimed.*expected a number, \[low, high\]/);
    expect(text).toMatch(/claims\.yaml:\d+ claims\[2\]/);
  });
  it('one bad claim never hides the others: the valid ones are evaluated', () => {
    const report = auditClaims(
      auditContext(catalog, new Map(), estimator),
      file([{ ...good, id: 'bad', check: { kind: 'activation-ratio' } }, good]),
    );
    expect(report.results.map((r) => [r.id, r.verdict])).toEqual([['mixtral', 'holds']]);
    expect(report.issues.length).toBeGreaterThan(0);
  });
  it('duplicate claim ids and a device clashing with the catalog are problems', () => {
    const parsed = parseClaims(file([good, good]), catalog);
    expect(parsed.issues.some((i) => i.message.includes('used twice'))).toBe(true);
  });
  it('a bad envelope (no version) is one input error for the whole file', () => {
    expect(() => parseClaims({ path: 'c.yaml', text: 'claims: []' }, catalog)).toThrow(/version/);
  });
  it('--claim text becomes the same document', () => {
    const text = claimsTextFromLine(
      'kind=price-ratio a.price=o3-mini-2025-01 a.side=input b={price: o1-mini-2025-01, side: input} claimed=[0.9, 1.1]',
      source,
    );
    const parsed = parseClaims({ path: '--claim', text }, catalog);
    expect(parsed.issues).toEqual([]);
    expect(parsed.claims[0]?.claim.check).toMatchObject({
      kind: 'price-ratio',
      a: { price: 'o3-mini-2025-01', side: 'input' },
      claimed: [0.9, 1.1],
    });
    expect(() => claimsTextFromLine('kind', source)).toThrow(/key=value/);
  });
});

describe('claims parser fuzz', () => {
  const ctx = auditContext(catalog, new Map(), estimator);
  it('random documents give an InputError or a report with issues, never a crash', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        try {
          const report = auditClaims(ctx, { path: 'fuzz.json', text: JSON.stringify(value) });
          expect(Array.isArray(report.results)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ClearboxError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 4 },
    );
  });
  it('a valid claim with one field broken or removed: that claim is reported with its path, the other still evaluated', () => {
    const fields = ['model', 'claimed', 'kind'] as const;
    const junk = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), junk, (field, value) => {
        const broken = { ...good, id: 'broken', check: { ...good.check, [field]: value } };
        if (value === undefined) delete (broken.check as Record<string, unknown>)[field];
        const report = auditClaims(ctx, file([broken, { ...good, id: 'fine' }]));
        expect(report.results.map((r) => r.id)).toContain('fine');
        const brokenOk = report.results.some((r) => r.id === 'broken');
        if (!brokenOk) expect(report.issues.some((i) => i.where.includes('claims[0]'))).toBe(true);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('claims format v1, extended for audit v2', () => {
  it('a hedged number, what the claim is about, the estimate it repeats and its own prices parse', () => {
    const parsed = parseClaims(
      file(
        [
          {
            ...good,
            about: 'price',
            basedOn: { title: 'someone', date: '2025-01' },
            check: {
              kind: 'price-change',
              from: 'my-old',
              to: 'my-new',
              side: 'blended',
              claimed: { value: -0.5, hedge: 'about' },
            },
          },
        ],
        {
          prices: ['my-old', 'my-new'].map((id, i) => ({
            id,
            apiModel: 'm',
            provider: 'p',
            currency: 'USD',
            effective: `2025-0${i + 1}-01`,
            inputPerMillion: 2 - i,
            outputPerMillion: 4 - 2 * i,
            source,
          })),
        },
      ),
      catalog,
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.claims[0]?.claim.about).toBe('price');
    const report = auditClaims(auditContext(catalog, new Map(), estimator), file([], {}));
    expect(report.results).toEqual([]);
  });
  it('an unknown hedge word and a non-finite number are refused with their path', () => {
    const parsed = parseClaims(
      file([
        { ...good, id: 'hedge', check: { ...good.check, claimed: { value: 0.28, hedge: 'roughly-ish' } } },
        { ...good, id: 'inf', check: { ...good.check, claimed: Number.POSITIVE_INFINITY } },
      ]),
      catalog,
    );
    expect(parsed.claims).toEqual([]);
    const text = parsed.issues.map((i) => `${i.where} ${i.message}`).join('\n');
    expect(text).toMatch(/claims\[0\]\.check\.claimed/);
    expect(text).toMatch(/claims\[1\]\.check\.claimed/);
  });
});
