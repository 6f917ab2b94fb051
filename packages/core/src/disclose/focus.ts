import { stringify } from 'yaml';
import type { TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { parseCsv } from './csv.ts';
import { type Disclosure, type DisclosureItem, disclosureSchema, STAGES, type Stage } from './schema.ts';

/**
 * FinOps FOCUS 1.x cost and usage rows → disclosure items. Rows are grouped by what they buy (stage,
 * service, resource type, SKU price, pricing unit, currency, pricing and charge category); each group
 * becomes one item whose amount is Σ EffectiveCost (accrual, amortized) and whose cashAmount is
 * Σ BilledCost (the invoice) when they differ, so prepaid commitments show both ways, as FOCUS intends.
 * ListCost and ContractedCost are kept in the description. A custom column `x_Stage` (FOCUS allows
 * x_-prefixed columns) puts rows in a stage; otherwise compute goes to `defaultStage`.
 */
export interface FocusImportOptions {
  /** Stage of compute rows without an x_Stage (default final-run). */
  defaultStage?: Stage;
  modelName?: string;
}

const REQUIRED = ['BilledCost', 'EffectiveCost', 'BillingCurrency', 'ChargePeriodStart', 'ChargePeriodEnd'];
const CURRENCIES = ['USD', 'CNY', 'EUR'] as const;

interface Group {
  key: string;
  stage: Stage;
  lines: number[];
  service: string;
  resourceType: string;
  sku: string;
  unit: string;
  currency: (typeof CURRENCIES)[number];
  committed: boolean;
  chargeCategory: string;
  billed: number;
  effective: number;
  list: number;
  contracted: number;
  quantity: number;
  start: string;
  end: string;
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'item';
}

function isoDate(value: string, where: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  if (!m?.[1]) throw new InputError(`expected an ISO 8601 date-time, found "${value}"`, where);
  return m[1];
}

function stageOf(row: Record<string, string>, fallback: Stage, where: string): Stage {
  const explicit = row.x_Stage?.trim();
  if (explicit) {
    const hit = STAGES.find((s) => s === explicit.toLowerCase());
    if (!hit)
      throw new InputError(`expected one of ${STAGES.join(', ')}, found "${explicit}"`, `${where} x_Stage`);
    return hit;
  }
  const service = (row.ServiceCategory ?? '').toLowerCase();
  const category = (row.ChargeCategory ?? '').toLowerCase();
  if (category === 'tax' || category === 'adjustment') return 'operations';
  if (service === '' || service === 'compute' || service.includes('machine learning')) return fallback;
  return 'operations';
}

export function importFocus(file: TextFile, options: FocusImportOptions = {}): Disclosure {
  const rows = parseCsv(file.text, file.path);
  const header = rows[0];
  if (!header) throw new InputError('empty file: expected a FOCUS header row', file.path);
  const names = header.cells.map((c) => c.trim());
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new InputError(
      `not a FOCUS cost and usage file: missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`,
      `${file.path}:${header.line}`,
    );
  if (rows.length < 2) throw new InputError('no charge rows after the header', file.path);
  const groups = new Map<string, Group>();
  let provider = '';
  for (const { line, cells } of rows.slice(1)) {
    const where = `${file.path}:${line}`;
    if (cells.length !== names.length)
      throw new InputError(`expected ${names.length} columns, found ${cells.length}`, where);
    const row: Record<string, string> = {};
    names.forEach((n, i) => {
      row[n] = cells[i] ?? '';
    });
    const num = (column: string, required: boolean): number => {
      const text = (row[column] ?? '').trim();
      if (text === '') {
        if (required) throw new InputError('expected a number, found an empty cell', `${where} ${column}`);
        return 0;
      }
      const value = Number(text);
      if (!Number.isFinite(value))
        throw new InputError(`expected a number, found "${text}"`, `${where} ${column}`);
      return value;
    };
    const currencyText = (row.BillingCurrency ?? '').trim().toUpperCase();
    const currency = CURRENCIES.find((c) => c === currencyText);
    if (!currency)
      throw new InputError(
        `unknown currency "${row.BillingCurrency}": expected one of ${CURRENCIES.join(', ')}`,
        `${where} BillingCurrency`,
      );
    const start = isoDate(row.ChargePeriodStart ?? '', `${where} ChargePeriodStart`);
    const end = isoDate(row.ChargePeriodEnd ?? '', `${where} ChargePeriodEnd`);
    if (end < start)
      throw new InputError(
        `dates out of order: ChargePeriodEnd ${end} is before ChargePeriodStart ${start}`,
        where,
      );
    const stage = stageOf(row, options.defaultStage ?? 'final-run', where);
    const quantity = num('PricingQuantity', false);
    if (quantity < 0)
      throw new InputError(`quantity must not be negative, found ${quantity}`, `${where} PricingQuantity`);
    provider ||= (row.ProviderName ?? row.PublisherName ?? '').trim();
    const g = {
      stage,
      service: (row.ServiceName ?? row.ServiceCategory ?? '').trim(),
      resourceType: (row.ResourceType ?? '').trim(),
      sku: (row.SkuPriceId ?? row.SkuId ?? '').trim(),
      unit: (row.PricingUnit ?? '').trim(),
      currency,
      committed: (row.PricingCategory ?? '').trim().toLowerCase() === 'committed',
      chargeCategory: (row.ChargeCategory ?? 'Usage').trim() || 'Usage',
    };
    const key = JSON.stringify(g);
    const existing = groups.get(key);
    const target: Group = existing ?? {
      ...g,
      key,
      lines: [],
      billed: 0,
      effective: 0,
      list: 0,
      contracted: 0,
      quantity: 0,
      start,
      end,
    };
    target.lines.push(line);
    target.billed += num('BilledCost', true);
    target.effective += num('EffectiveCost', true);
    target.list += num('ListCost', false);
    target.contracted += num('ContractedCost', false);
    target.quantity += quantity;
    if (start < target.start) target.start = start;
    if (end > target.end) target.end = end;
    groups.set(key, target);
  }

  const used = new Set<string>();
  const items: DisclosureItem[] = [];
  for (const g of groups.values()) {
    const lines =
      g.lines.length > 6
        ? `${g.lines.slice(0, 6).join(', ')} and ${g.lines.length - 6} more`
        : g.lines.join(', ');
    if (g.effective < 0 || g.billed < 0)
      throw new InputError(
        `credits exceed charges for ${g.sku || g.service || 'a group'} (EffectiveCost ${g.effective}, BilledCost ${g.billed}): a disclosure item cannot be negative`,
        `${file.path}:${g.lines[0]}`,
      );
    let id = slug([g.stage, g.sku || g.resourceType || g.service, g.chargeCategory].join('-'));
    for (let n = 2; used.has(id); n++) id = `${id.replace(/-\d+$/, '')}-${n}`;
    used.add(id);
    const gpu = /gpu/i.test(g.unit) && /hour/i.test(g.unit);
    const item: DisclosureItem = {
      id,
      stage: g.stage,
      class: 'technical',
      description: `${g.chargeCategory} of ${[g.service, g.resourceType, g.sku].filter(Boolean).join(' / ') || 'cloud services'}${g.unit ? `, ${g.quantity} ${g.unit}` : ''} (ListCost ${round(g.list)}, ContractedCost ${round(g.contracted)}, BilledCost ${round(g.billed)}, EffectiveCost ${round(g.effective)} ${g.currency})`,
      amount: round(g.effective),
      currency: g.currency,
      date: g.start,
      priceBasis: 'effective',
      provision: g.committed ? 'cloud-committed' : 'cloud-on-demand',
      evidence: 'disclosed',
      source: {
        title: `FOCUS cost and usage file ${file.path}, rows on lines ${lines}`,
        date: g.end,
        note: 'EffectiveCost (amortized) as the amount; BilledCost (cash) as cashAmount where it differs',
      },
    };
    if (gpu && g.quantity > 0) {
      item.quantity = g.quantity;
      item.unit = 'GPU-hours';
    }
    if (round(g.billed) !== round(g.effective)) item.cashAmount = round(g.billed);
    items.push(item);
  }
  const start = [...groups.values()].map((g) => g.start).sort()[0] ?? '';
  const end =
    [...groups.values()]
      .map((g) => g.end)
      .sort()
      .at(-1) ?? '';
  const baseName =
    file.path
      .split(/[\\/]/)
      .at(-1)
      ?.replace(/\.[^.]*$/, '') ?? 'bill';
  const doc = {
    version: 1 as const,
    id: slug(`focus-${baseName}`),
    status: 'draft' as const,
    publisher: { name: provider || 'cloud provider (from a FOCUS bill)' },
    model: { name: options.modelName ?? '(model name: fill in)' },
    period: { start, end },
    items,
    notes: `Imported from the FOCUS file ${file.path} (${rows.length - 1} rows, ${items.length} items). Add the boundary, quantities and the stages not on the bill.`,
  };
  // The import's own output must be a valid disclosure: check it before handing it over.
  const parsed = disclosureSchema.safeParse(doc);
  if (!parsed.success)
    throw new InputError(
      `the imported rows do not make a valid disclosure: ${parsed.error.issues[0]?.message}`,
      file.path,
    );
  return parsed.data;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A disclosure as YAML text (what `import-focus` writes); the header comment says where it came from. */
export function disclosureToYaml(d: Disclosure, header = ''): string {
  const comment = header
    .split('\n')
    .filter(Boolean)
    .map((l) => `# ${l}\n`)
    .join('');
  return `${comment}${stringify(d, { lineWidth: 0 })}`;
}
