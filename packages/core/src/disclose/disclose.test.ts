import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedEstimator } from '../../test/load-catalog.ts';
import { ClearboxError } from '../errors/clearbox-error.ts';
import type { BasisId } from './bases.ts';
import { compareDisclosures, parseBasisId } from './compare.ts';
import { CsvReader, MAX_CSV_CELLS, MAX_CSV_FIELD_CHARS } from './csv.ts';
import { economicPerGpuHour, HOURS_PER_YEAR, straightLinePerGpuHour } from './depreciation.ts';
import { importFocus } from './focus.ts';
import { renderDisclosureHtml } from './html.ts';
import { disclosureJsonSchemaText } from './json-schema.ts';
import { renderDisclosureMarkdown } from './markdown.ts';
import { parseDisclosure } from './parse.ts';
import { evaluateDisclosure } from './report.ts';
import type { Disclosure, DisclosureItem } from './schema.ts';
import { DISCLOSURE_TEMPLATE } from './template.ts';

const dataDir = new URL('../../data/disclosures/', import.meta.url).pathname;
const schemaFile = new URL('../../../../schema/disclosure-v1.json', import.meta.url).pathname;
const catalog = shippedCatalog();
const estimator = shippedEstimator(catalog);

function reference(name: string): Disclosure {
  const path = join(dataDir, name);
  return parseDisclosure({ path, text: readFileSync(path, 'utf8') });
}

function errorOf(text: string, path = 'd.yaml'): string {
  try {
    parseDisclosure({ path, text });
  } catch (error) {
    expect(error).toBeInstanceOf(ClearboxError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

const basis = (r: ReturnType<typeof evaluateDisclosure>, id: BasisId) => r.bases.find((b) => b.id === id);

describe('DeepSeek-V3 as disclosed', () => {
  const report = evaluateDisclosure(catalog, reference('deepseek-v3-disclosed.yaml'), { estimator });

  it('final-run rental basis is $5.576M exactly, and the report is flagged rental-only', () => {
    expect(basis(report, 'final-run-rental')?.total.value).toBe(5_576_000);
    expect(report.flags.map((f) => f.id)).toContain('rental-only');
    expect(report.flags.map((f) => f.id)).toContain('no-uncertainty');
  });

  it('owned and acquisition bases are not computable and say why; completeness is 1 stage of 9', () => {
    expect(report.unavailableBases.map((u) => u.id)).toEqual(
      expect.arrayContaining(['final-run-owned-economic', 'cluster-acquisition', 'fleet-period']),
    );
    expect(report.completeness.score.value).toBeCloseTo(1 / 9, 10);
    expect(report.completeness.stages.find((s) => s.stage === 'final-run')?.status).toBe('disclosed');
  });

  it('cross-checks: implied MFU through the estimator, GPU count × days against GPU-hours', () => {
    const mfu = report.findings.find((f) => f.id === 'implied-mfu-estimate');
    expect(mfu?.severity).toBe('ok');
    expect(mfu?.figures[0]?.value).toBeCloseTo(0.164, 2);
    const days = report.findings.find((f) => f.check === 'gpu-days');
    expect(days?.figures[0]?.value).toBeCloseTo(2_664_000 / (2048 * 54.76 * 24), 6);
  });
});

describe('DeepSeek-V3 reconstructed', () => {
  const report = evaluateDisclosure(catalog, reference('deepseek-v3-reconstructed.yaml'), { estimator });

  it('every basis is computed, each with a P10–P90 range around a positive total', () => {
    expect(report.unavailableBases).toEqual([]);
    expect(report.bases.map((b) => b.id).sort()).toEqual(
      [
        'cluster-acquisition',
        'final-run-owned-economic',
        'final-run-owned-straight-line',
        'final-run-rental',
        'fleet-period',
        'fleet-ownership-total',
        'full-development',
        'lifecycle',
      ].sort(),
    );
    for (const b of report.bases) {
      expect(b.total.low, b.id).toBeLessThan(b.total.high ?? 0);
      expect(b.percentiles.p10).toBeLessThanOrEqual(b.percentiles.p50);
      expect(b.percentiles.p50).toBeLessThanOrEqual(b.percentiles.p90);
    }
    expect(basis(report, 'final-run-rental')?.total.value).toBe(5_576_000);
  });

  it('cluster acquisition = 2,048 × $44,750 / (1 − 0.19); serving = $87,072 a day over 2 years', () => {
    expect(basis(report, 'cluster-acquisition')?.total.value).toBeCloseTo((2048 * 44750) / 0.81, 2);
    const lifecycle = basis(report, 'lifecycle');
    const development = basis(report, 'full-development');
    const serving = lifecycle?.stages.find((s) => s.stage === 'deployment')?.total.value;
    expect(serving).toBeCloseTo(87_072 * 365.25 * 2, 2);
    expect(lifecycle?.total.value).toBeCloseTo((development?.total.value ?? 0) + (serving ?? 0), 2);
  });

  it('the theoretical revenue is reported apart, never added to a basis, and not flagged', () => {
    expect(report.revenue.theoretical?.value).toBe(562_027);
    expect(report.flags.map((f) => f.id)).not.toContain('theoretical-revenue-as-actual');
    expect(report.flags.map((f) => f.id)).toContain('shared-without-allocation-key');
  });

  it('CNY items are converted with the dated catalog rate', () => {
    const staff = basis(report, 'full-development')?.stages.find((s) => s.stage === 'staff')?.total;
    const fx = catalog.fx.filter((r) => r.base === 'USD' && r.quote === 'CNY' && r.date <= '2024-12-01');
    const rate = fx.sort((a, b) => a.date.localeCompare(b.date)).at(-1)?.rate ?? 0;
    expect(staff?.value).toBeCloseTo((150 * 1_000_000) / rate, 4);
  });
});

describe('every reference disclosure', () => {
  const files = readdirSync(dataDir).filter((f) => /\.ya?ml$/.test(f));
  it('there are at least five', () => expect(files.length).toBeGreaterThanOrEqual(5));
  for (const file of files) {
    it(`${file} parses, evaluates and renders`, () => {
      const d = reference(file);
      for (const item of d.items) expect(item.source.title.length, item.id).toBeGreaterThan(5);
      const r = evaluateDisclosure(catalog, d, { estimator, draws: 500 });
      expect(r.bases.length).toBeGreaterThan(0);
      const html = renderDisclosureHtml(r);
      expect(html).not.toMatch(/<script|https?:\/\/[^"]*\.(js|css)\b/i);
      expect(renderDisclosureMarkdown(r)).toContain('## Accounting bases');
    });
  }
});

describe('the published reference numbers', () => {
  it('Granite 3 8B: the itemised ~$10M, 757 MWh matching GPU-hours × 700 W × 1.3, GPUs mostly idle for 120 days', () => {
    const r = evaluateDisclosure(catalog, reference('granite-3-8b.yaml'), { estimator, draws: 500 });
    const dev = basis(r, 'full-development')?.total.value ?? 0;
    expect(dev).toBeGreaterThan(9.5e6);
    expect(dev).toBeLessThan(10.5e6);
    expect(r.findings.find((f) => f.check === 'energy')?.figures[0]?.value).toBeCloseTo(1, 2);
    expect(r.findings.find((f) => f.check === 'gpu-days')?.severity).toBe('warn');
  });

  it('Llama 3.1 405B: unpriced GPU-hours take the catalog rental range; 8,930 t imply ≈0.41 kg/kWh', () => {
    const r = evaluateDisclosure(catalog, reference('llama-3.1-405b.yaml'), { estimator, draws: 500 });
    const rental = basis(r, 'final-run-rental');
    const h100 = catalog.devices.find((d) => d.id === 'h100-sxm')?.prices?.rentalUsdPerHour;
    expect(rental?.total.value).toBeCloseTo(30.84e6 * (((h100?.low ?? 0) + (h100?.high ?? 0)) / 2), 0);
    expect(r.findings.find((f) => f.check === 'emissions')?.figures[0]?.value).toBeCloseTo(0.414, 2);
    expect(r.findings.some((f) => f.check === 'imputed-price')).toBe(true);
  });

  it('GPT-4 from Epoch AI: cloud basis ≈ $78.6M and acquisition ≈ $778M', () => {
    const r = evaluateDisclosure(catalog, reference('gpt-4-epoch.yaml'), { estimator, draws: 500 });
    expect(basis(r, 'final-run-rental')?.total.value).toBeCloseTo(78.6e6, -5);
    expect(basis(r, 'cluster-acquisition')?.total.value).toBeCloseTo(778e6, -6);
  });
});

describe('total = sum of items, per basis (property)', () => {
  const stages = [
    'hardware',
    'final-run',
    'experiments',
    'data',
    'staff',
    'energy',
    'deployment',
    'operations',
  ] as const;
  const itemArb = fc.record({
    stage: fc.constantFrom(...stages),
    amount: fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined }),
    quantity: fc.integer({ min: 0, max: 1e7 }),
    unitPrice: fc.double({ min: 0, max: 1e4, noNaN: true }),
    fleet: fc.boolean(),
    allocated: fc.boolean(),
    recurrence: fc.constantFrom('once', 'per-day', 'per-month', 'per-year'),
    uncertain: fc.boolean(),
  });

  it('each basis total equals the sum of the items it takes, computed independently', () => {
    fc.assert(
      fc.property(
        fc.array(itemArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 10 }),
        (specs, years) => {
          const items: DisclosureItem[] = specs.map((s, i) => {
            const item: DisclosureItem = {
              id: `i${i}`,
              stage: s.stage,
              class: i % 2 ? 'technical' : 'commercial',
              description: 'generated',
              evidence: 'estimated',
              source: { title: 'generated by the property test', date: '2025-01' },
              recurrence: s.recurrence as DisclosureItem['recurrence'],
            };
            if (s.amount !== undefined) item.amount = s.amount;
            else {
              item.quantity = s.quantity;
              item.unit = 'units';
              item.unitPrice = s.unitPrice;
            }
            if (s.fleet) item.level = 'fleet';
            if (s.allocated) item.allocation = 'k';
            if (s.uncertain) item.uncertainty = { lowFactor: 0.5, highFactor: 2 };
            return item;
          });
          const d: Disclosure = {
            version: 1,
            id: 'prop',
            status: 'draft',
            publisher: { name: 'p' },
            model: { name: 'm' },
            period: { start: '2025-01-01', end: '2025-12-31' },
            allocationKeys: [{ id: 'k', description: 'key', share: 0.3 }],
            items,
          };
          const r = evaluateDisclosure(catalog, d, { years, draws: 50 });
          const days = 365;
          const total = (it: DisclosureItem) => it.amount ?? (it.quantity ?? 0) * (it.unitPrice ?? 0);
          const occ = (it: DisclosureItem, span: number) =>
            ({ once: 1, 'per-day': span, 'per-month': (span / 365.25) * 12, 'per-year': span / 365.25 })[
              it.recurrence ?? 'once'
            ];
          const model = (it: DisclosureItem) => it.level !== 'fleet' || it.allocation !== undefined;
          const share = (it: DisclosureItem) => (it.allocation ? 0.3 : 1);
          const dev = new Set(['final-run', 'experiments', 'data', 'staff', 'energy']);
          const service = new Set(['deployment', 'operations', 'commercial']);
          const expected: Partial<Record<BasisId, number>> = {
            'final-run-rental': items
              .filter((it) => model(it) && it.stage === 'final-run')
              .reduce((s, it) => s + total(it) * share(it) * occ(it, days), 0),
            'full-development': items
              .filter((it) => model(it) && dev.has(it.stage))
              .reduce((s, it) => s + total(it) * share(it) * occ(it, days), 0),
            'cluster-acquisition': items
              .filter((it) => model(it) && it.stage === 'hardware')
              .reduce((s, it) => s + total(it) * share(it) * occ(it, days), 0),
            'fleet-period': items
              .filter((it) => it.level === 'fleet')
              .reduce((s, it) => s + total(it) * occ(it, days), 0),
          };
          expected.lifecycle =
            (expected['full-development'] ?? 0) +
            items
              .filter((it) => model(it) && service.has(it.stage))
              .reduce((s, it) => s + total(it) * share(it) * occ(it, years * 365.25), 0);
          for (const b of r.bases) {
            const stageSum = b.stages.reduce((s, x) => s + x.total.value, 0);
            expect(Math.abs(b.total.value - stageSum)).toBeLessThanOrEqual(1e-9 * Math.max(1, stageSum));
            const want = expected[b.id];
            if (want !== undefined)
              expect(Math.abs(b.total.value - want), b.id).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
          }
          for (const [id, want] of Object.entries(expected)) {
            if (r.bases.some((b) => b.id === id)) continue;
            // A basis is only left out when it has nothing to add up.
            expect(
              r.unavailableBases.map((u) => u.id),
              `${id} = ${want}`,
            ).toContain(id);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('Monte Carlo', () => {
  const d = reference('deepseek-v3-reconstructed.yaml');

  it('the same input and seed give byte-identical output; another seed other ranges', () => {
    const a = JSON.stringify(evaluateDisclosure(catalog, d, { seed: 7, draws: 2000 }));
    const b = JSON.stringify(evaluateDisclosure(catalog, d, { seed: 7, draws: 2000 }));
    const c = JSON.stringify(evaluateDisclosure(catalog, d, { seed: 8, draws: 2000 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(renderDisclosureHtml(JSON.parse(a))).toBe(renderDisclosureHtml(JSON.parse(b)));
  });

  it('recovers the P10 and P90 it was given for one item of each distribution', () => {
    for (const distribution of ['lognormal', 'normal', 'uniform', 'triangular'] as const) {
      const doc: Disclosure = {
        version: 1,
        id: 'mc',
        status: 'draft',
        publisher: { name: 'p' },
        model: { name: 'm' },
        period: { start: '2025-01', end: '2025-12' },
        items: [
          {
            id: 'only',
            stage: 'staff',
            class: 'commercial',
            description: 'x',
            amount: 100,
            evidence: 'estimated',
            source: { title: 'test', date: '2025-01' },
            uncertainty: { distribution, low: 50, high: 200 },
          },
        ],
      };
      const p = evaluateDisclosure(catalog, doc, { draws: 40_000, seed: 3 }).bases[0]?.percentiles;
      if (distribution === 'lognormal' || distribution === 'normal') {
        expect(p?.p10, distribution).toBeCloseTo(50, -0.5);
        expect(p?.p90, distribution).toBeCloseTo(200, -0.5);
      } else if (distribution === 'uniform') {
        expect(p?.p10).toBeCloseTo(50 + 0.1 * 150, -0.5);
        expect(p?.p90).toBeCloseTo(50 + 0.9 * 150, -0.5);
      } else {
        // Triangular(50, 100, 200): P10 at 50 + sqrt(0.1 · 150 · 50).
        expect(p?.p10).toBeCloseTo(50 + Math.sqrt(0.1 * 150 * 50), -0.5);
      }
    }
  });
});

describe('depreciation', () => {
  const unitPrice = { name: 'p', value: 44750, unit: 'USD/GPU', formula: 'given', inputs: [], sources: [] };
  it('straight-line: (price − residual) / (life · 8766 · utilization) / (1 − interconnect)', () => {
    const f = straightLinePerGpuHour({
      unitPrice,
      residualValue: 4750,
      usefulLifeYears: 4,
      utilization: 0.5,
      interconnectShare: 0.2,
      yearsHeld: 0,
    });
    expect(f.value).toBeCloseTo(40000 / (4 * HOURS_PER_YEAR * 0.5) / 0.8, 12);
  });
  it('economic: value · 10^(−0.14 · years held) · 0.14 ln 10 / 8766', () => {
    const base = { unitPrice, residualValue: 0, usefulLifeYears: 4, utilization: 1, interconnectShare: 0 };
    const fresh = economicPerGpuHour({ ...base, yearsHeld: 0 });
    expect(fresh.value).toBeCloseTo((44750 * 0.14 * Math.LN10) / HOURS_PER_YEAR, 12);
    expect(economicPerGpuHour({ ...base, yearsHeld: 1 }).value / fresh.value).toBeCloseTo(10 ** -0.14, 12);
  });
});

describe('bad input is named', () => {
  const minimal = (items: string) => `version: 1
id: t
status: draft
publisher: { name: p }
model: { name: m }
period: { start: 2025-01, end: 2025-06 }
items:
${items}`;
  const item = (extra: string) => `  - id: a
    stage: final-run
    class: technical
    description: d
    evidence: disclosed
    source: { title: s, date: 2025-01 }
${extra}`;

  it('malformed YAML: file:line:column and the parser message', () => {
    expect(errorOf('version: 1\nid: [unclosed\n', 'x.yaml')).toMatch(
      /^x\.yaml:\d+:\d+: invalid YAML\/JSON: /,
    );
    expect(errorOf('{"version": 1,, }', 'x.json')).toMatch(/^x\.json:1:\d+: invalid YAML\/JSON/);
  });

  it('negative quantity, with the path, what was expected and what was found', () => {
    const m = errorOf(minimal(item('    quantity: -5\n    unit: GPU-hours\n    unitPrice: 2\n')));
    expect(m).toContain('items[0].quantity');
    expect(m).toContain('quantity must not be negative');
    expect(m).toContain('found -5');
  });

  it('unknown currency', () => {
    const m = errorOf(minimal(item('    amount: 5\n    currency: GBP\n')));
    expect(m).toContain('items[0].currency');
    expect(m).toContain('found "GBP"');
  });

  it('a useful life of zero', () => {
    const m = errorOf(
      minimal(`  - id: hw
    stage: hardware
    class: commercial
    description: d
    quantity: 8
    unit: GPUs
    unitPrice: 30000
    evidence: disclosed
    source: { title: s, date: 2025-01 }
    owned: { acquired: 2024-01, usefulLifeYears: 0, depreciation: straight-line }
`),
    );
    expect(m).toContain('items[0].owned.usefulLifeYears');
    expect(m).toContain('useful life must be greater than zero');
  });

  it('dates out of order', () => {
    const m = errorOf(minimal(item('    amount: 1\n')).replace('end: 2025-06', 'end: 2024-06'));
    expect(m).toContain('dates out of order');
    expect(m).toContain('period.end');
  });

  it('every issue is listed, each with its line', () => {
    const m = errorOf(
      minimal(
        `${item('    amount: -1\n')}  - id: b\n    stage: nowhere\n    class: technical\n    description: d\n    amount: 1\n    evidence: disclosed\n    source: { title: s, date: 2025-01 }\n`,
      ),
    );
    expect(m).toContain('items[0].amount');
    expect(m).toContain('items[1].stage');
    expect(m).toMatch(/d\.yaml:\d+ items\[1\]\.stage/);
  });
});

describe('the published JSON Schema', () => {
  it('schema/disclosure-v1.json is exactly what the zod schema generates', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(disclosureJsonSchemaText());
  });
});

describe('docs/disclosure-standard.md', () => {
  it('the example of every stage is a valid item', () => {
    const doc = readFileSync(new URL('../../../../docs/disclosure-standard.md', import.meta.url), 'utf8');
    const block = /### 3\.2[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const text = `version: 1
id: docs
status: draft
publisher: { name: docs }
model: { name: docs }
period: { start: 2024-01, end: 2026-12 }
allocationKeys: [{ id: pretraining-hours-share, description: key, share: 0.25 }]
items:
${block.replace(/^/gm, '  ')}`;
    const d = parseDisclosure({ path: 'docs.yaml', text });
    expect(new Set(d.items.map((i) => i.stage)).size).toBe(9);
  });
});

describe('clearbox disclose init template', () => {
  it('validates and evaluates as it stands, with no flag but the ones it means', () => {
    const d = parseDisclosure({ path: 'template.yaml', text: DISCLOSURE_TEMPLATE });
    const r = evaluateDisclosure(catalog, d, { estimator, draws: 500 });
    expect(r.unavailableBases.map((u) => u.id)).toEqual(['fleet-period', 'fleet-ownership-total']);
    expect(r.flags.map((f) => f.id)).toEqual([]);
  });
});

describe('FOCUS import', () => {
  const csv = `BilledCost,EffectiveCost,ListCost,ContractedCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,PricingCategory,ServiceCategory,ServiceName,ResourceType,SkuPriceId,PricingQuantity,PricingUnit,ProviderName
1000,0,1200,1000,USD,2025-01-01T00:00:00Z,2025-01-02T00:00:00Z,Purchase,Committed,Compute,GPU VMs,GPU instance,sku-commit,1,Commitment,ExampleCloud
0,500,600,500,USD,2025-01-01T00:00:00Z,2025-01-02T00:00:00Z,Usage,Committed,AI and Machine Learning,GPU VMs,GPU instance,sku-h100,200,GPU-Hours,ExampleCloud
0,500,600,500,USD,2025-01-02T00:00:00Z,2025-01-03T00:00:00Z,Usage,Committed,AI and Machine Learning,GPU VMs,GPU instance,sku-h100,200,GPU-Hours,ExampleCloud
"12,5",10,10,10,EUR,2025-01-01T00:00:00Z,2025-01-31T00:00:00Z,Usage,Standard,Storage,"Object storage, hot",Bucket,sku-s3,100,GB-Month,ExampleCloud
`;
  it('groups rows into items: effective as the amount, billed as cash, GPU-hours kept as quantities', () => {
    const d = importFocus({ path: 'bill.csv', text: csv.replace('"12,5"', '12.5') });
    expect(d.items).toHaveLength(3);
    const usage = d.items.find((i) => i.unit === 'GPU-hours');
    expect(usage?.quantity).toBe(400);
    expect(usage?.amount).toBe(1000);
    expect(usage?.cashAmount).toBe(0);
    expect(usage?.provision).toBe('cloud-committed');
    const purchase = d.items.find((i) => i.description.startsWith('Purchase'));
    expect(purchase?.amount).toBe(0);
    expect(purchase?.cashAmount).toBe(1000);
    expect(d.items.find((i) => i.currency === 'EUR')?.stage).toBe('operations');
    expect(d.period).toEqual({ start: '2025-01-01', end: '2025-01-31' });
    const r = evaluateDisclosure(catalog, d, { draws: 10 });
    const run = r.bases.find((b) => b.id === 'final-run-rental');
    expect(run?.total.value).toBe(1000);
    expect(run?.cash?.value).toBe(1000);
  });
  it('malformed rows are refused together: counted by reason, first lines and value, nothing imported', () => {
    expect(() => importFocus({ path: 'bill.csv', text: csv })).toThrow(
      /^bill\.csv: 1 of 4 rows malformed, nothing imported: BilledCost: expected a number \(1 row; line 5; found "12,5"\)$/,
    );
    expect(() => importFocus({ path: 'b.csv', text: csv.replace(',EUR,', ',GBP,') })).toThrow(
      /BillingCurrency: unknown currency, expected one of USD, CNY, EUR \(1 row; line 5; found "GBP"\)$/,
    );
    const many = `${csv.split('\n')[0]}\n${Array.from({ length: 5 }, (_, i) => `${i},1,1,1,XXX,2025-01-01,2025-01-02,Usage,Standard,Compute,VM,VM,sku,1,Hours,C`).join('\n')}\n${csv.split('\n')[2]}\n0,1,1,1,USD,2025-02-30,2025-03-01,Usage,Standard,Compute,VM,VM,sku,1,Hours,C\n1e999,1,1,1,USD,2025-01-01,2025-01-02,Usage,Standard,Compute,VM,VM,sku,1,Hours,C\n1,2\n`;
    expect(() => importFocus({ path: 'm.csv', text: many })).toThrow(
      'm.csv: 8 of 9 rows malformed, nothing imported: BillingCurrency: unknown currency, expected one of USD, CNY, EUR (5 rows; lines 2, 3, 4, …; found "XXX"); ChargePeriodStart: not a calendar date (1 row; line 8; found "2025-02-30"); BilledCost: not a finite number (1 row; line 9; found "1e999"); expected 16 columns (1 row; line 10; found "2 columns")',
    );
    // Fatal errors stay one line: a missing column, an unclosed quote, every row malformed.
    expect(() => importFocus({ path: 'b.csv', text: 'a,b\n1,2\n' })).toThrow(/missing columns BilledCost/);
    expect(() => importFocus({ path: 'q.csv', text: `${csv}"unclosed,1\n2,3\n` })).toThrow(
      /^q\.csv:6: a quoted field is not closed by the end of the file/,
    );
    expect(() => importFocus({ path: 'all.csv', text: `${csv.split('\n')[0]}\n1,2\n` })).toThrow(
      /^all\.csv: 1 of 1 rows malformed, nothing imported: expected 16 columns \(1 row; line 2; found "2 columns"\)$/,
    );
  });
});

describe('CsvReader', () => {
  const rowsOf = (chunks: string[]) => {
    const rows: Array<{ line: number; cells: string[]; problem?: string }> = [];
    const reader = new CsvReader('t.csv', (r) => rows.push(r));
    for (const c of chunks) reader.push(c);
    reader.end();
    return rows;
  };
  const text = '\ufeffa,"b,""x""\nc",d\r\n\r\n1,2,3\n"4"x,5",6\n7,8,9';
  it('gives the same rows however the text is cut into chunks (quotes, CRLF, a BOM across boundaries)', () => {
    const whole = rowsOf([text]);
    expect(whole).toEqual([
      { line: 1, cells: ['a', 'b,"x"\nc', 'd'] },
      { line: 4, cells: ['1', '2', '3'] },
      { line: 5, cells: ['4x', '5"', '6'], problem: 'text after a closing quote' },
      { line: 6, cells: ['7', '8', '9'] },
    ]);
    for (let cut = 1; cut < text.length; cut++)
      expect(rowsOf([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    expect(rowsOf(text.split(''))).toEqual(whole);
  });
  it('an over-long field or too many cells marks the row, in bounded memory', () => {
    const rows = rowsOf([
      `a,${'x'.repeat(MAX_CSV_FIELD_CHARS + 1)},b\n`,
      `${','.repeat(MAX_CSV_CELLS + 5)}\nok\n`,
    ]);
    expect(rows[0]?.problem).toMatch(/a field longer than 1,048,576 characters/);
    expect(rows[0]?.cells).toEqual(['a', '', 'b']);
    expect(rows[1]?.problem).toMatch(/more than 10,000 columns/);
    expect(rows[1]?.cells).toHaveLength(MAX_CSV_CELLS);
    expect(rows[2]).toEqual({ line: 3, cells: ['ok'] });
  });
});

describe('compare', () => {
  it('puts the same basis side by side, missing where a disclosure cannot give it', () => {
    const a = evaluateDisclosure(catalog, reference('deepseek-v3-disclosed.yaml'), { draws: 100 });
    const b = evaluateDisclosure(catalog, reference('deepseek-v3-reconstructed.yaml'), { draws: 100 });
    const c = compareDisclosures([a, b], 'cluster-acquisition');
    expect(c.rows[0]?.id).toBe('deepseek-v3-reconstructed');
    expect(c.rows[1]?.totals['cluster-acquisition']).toBeNull();
    expect(() => parseBasisId('final-run-rentl')).toThrow(/closest: final-run-rental/);
  });
});
