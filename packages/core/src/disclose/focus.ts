import { stringify } from 'yaml';
import type { TextFile } from '../catalog/parse.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { isCalendarDate } from '../input/dates.ts';
import { echo } from '../input/echo.ts';
import { CsvReader, type CsvRow } from './csv.ts';
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
/** Line numbers kept per group and per kind of malformed row: enough to find them, constant memory. */
const LINES_KEPT = 6;
const MALFORMED_LINES_KEPT = 3;
const DAYS_KEPT = 10_000;

interface Group {
  stage: Stage;
  lines: number[];
  rows: number;
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

/** One kind of malformed row: how many, the first lines, and the first value found. */
export interface MalformedRows {
  reason: string;
  count: number;
  lines: number[];
  found?: string;
}

/** What an import produced: the draft, the rows read, and the rows refused, by reason. */
export interface FocusImportResult {
  disclosure: Disclosure;
  rows: number;
  malformed: MalformedRows[];
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'item';
}

/** A row's defect: the reason (the same for every row with it) and the value found. */
class RowDefect {
  constructor(
    readonly reason: string,
    readonly found?: string,
  ) {}
}

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function cellOf(index: Record<string, number>, cells: string[], column: string): string | undefined {
  const i = index[column];
  return i === undefined ? undefined : cells[i];
}

function textOf(index: Record<string, number>, cells: string[], column: string): string {
  return (cellOf(index, cells, column) ?? '').trim();
}

function numberOf(value: string, column: string, required: boolean): number {
  if (value === '') {
    if (required) throw new RowDefect(`${column}: expected a number, found an empty cell`);
    return 0;
  }
  if (!DECIMAL.test(value)) throw new RowDefect(`${column}: expected a number`, value);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new RowDefect(`${column}: not a finite number`, value);
  return n;
}

/**
 * The day of an ISO 8601 date-time. A bill repeats a few hundred days over millions of rows, so the days
 * already found to be calendar dates are remembered (at most DAYS_KEPT of them).
 */
function isoDate(value: string, column: string, known: Set<string>): string {
  const m = /^\s*(\d{4}-\d{2}-\d{2})/.exec(value);
  if (!m?.[1]) throw new RowDefect(`${column}: expected an ISO 8601 date-time`, value);
  const day = m[1];
  if (known.has(day)) return day;
  if (!isCalendarDate(day)) throw new RowDefect(`${column}: not a calendar date`, value);
  if (known.size >= DAYS_KEPT) known.clear();
  known.add(day);
  return day;
}

/**
 * Reads FOCUS rows one at a time (from a CsvReader, a Parquet reader, anything that yields cells), so a
 * bill of gigabytes is imported in the memory of its groups. Malformed rows are counted by reason with
 * their first lines; `finish` refuses them, one line naming every reason.
 */
export class FocusImporter {
  private names: string[] | undefined;
  private index: Record<string, number> = {};
  private readonly groups = new Map<string, Group>();
  private readonly malformed = new Map<string, MalformedRows>();
  private rows = 0;
  private provider = '';
  private readonly days = new Set<string>();

  constructor(
    private readonly path: string,
    private readonly options: FocusImportOptions = {},
  ) {}

  /** The next record: the first is the header. */
  row(row: CsvRow): void {
    if (this.names === undefined) {
      this.header(row);
      return;
    }
    this.rows++;
    try {
      if (row.problem !== undefined) throw new RowDefect(row.problem);
      if (row.cells.length !== this.names.length)
        throw new RowDefect(`expected ${this.names.length} columns`, `${row.cells.length} columns`);
      this.add(row.line, row.cells);
    } catch (error) {
      if (!(error instanceof RowDefect)) throw error;
      const kind = this.malformed.get(error.reason) ?? { reason: error.reason, count: 0, lines: [] };
      kind.count++;
      if (kind.lines.length < MALFORMED_LINES_KEPT) kind.lines.push(row.line);
      if (kind.found === undefined && error.found !== undefined) kind.found = echo(error.found);
      this.malformed.set(error.reason, kind);
    }
  }

  private header(row: CsvRow): void {
    const where = `${this.path}:${row.line}`;
    if (row.problem !== undefined) throw new InputError(`header row: ${row.problem}`, where);
    const names = row.cells.map((c) => c.trim());
    const missing = REQUIRED.filter((c) => !names.includes(c));
    if (missing.length > 0)
      throw new InputError(
        `not a FOCUS cost and usage file: missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`,
        where,
      );
    this.names = names;
    names.forEach((name, i) => {
      if (!(name in this.index)) this.index[name] = i;
    });
  }

  private add(line: number, cells: string[]): void {
    const index = this.index;
    const currencyText = textOf(index, cells, 'BillingCurrency').toUpperCase();
    const currency = CURRENCIES.find((c) => c === currencyText);
    if (!currency)
      throw new RowDefect(
        `BillingCurrency: unknown currency, expected one of ${CURRENCIES.join(', ')}`,
        cellOf(index, cells, 'BillingCurrency') ?? '',
      );
    const start = isoDate(cellOf(index, cells, 'ChargePeriodStart') ?? '', 'ChargePeriodStart', this.days);
    const end = isoDate(cellOf(index, cells, 'ChargePeriodEnd') ?? '', 'ChargePeriodEnd', this.days);
    if (end < start)
      throw new RowDefect(
        'dates out of order: ChargePeriodEnd before ChargePeriodStart',
        `${start} to ${end}`,
      );
    const stage = this.stageOf(
      textOf(index, cells, 'x_Stage'),
      textOf(index, cells, 'ServiceCategory'),
      textOf(index, cells, 'ChargeCategory'),
    );
    const quantity = numberOf(textOf(index, cells, 'PricingQuantity'), 'PricingQuantity', false);
    if (quantity < 0) throw new RowDefect('PricingQuantity: must not be negative', String(quantity));
    const billed = numberOf(textOf(index, cells, 'BilledCost'), 'BilledCost', true);
    const effective = numberOf(textOf(index, cells, 'EffectiveCost'), 'EffectiveCost', true);
    const list = numberOf(textOf(index, cells, 'ListCost'), 'ListCost', false);
    const contracted = numberOf(textOf(index, cells, 'ContractedCost'), 'ContractedCost', false);
    this.provider ||= (
      cellOf(index, cells, 'ProviderName') ??
      cellOf(index, cells, 'PublisherName') ??
      ''
    ).trim();
    const service = (
      cellOf(index, cells, 'ServiceName') ??
      cellOf(index, cells, 'ServiceCategory') ??
      ''
    ).trim();
    const resourceType = textOf(index, cells, 'ResourceType');
    const sku = (cellOf(index, cells, 'SkuPriceId') ?? cellOf(index, cells, 'SkuId') ?? '').trim();
    const unit = textOf(index, cells, 'PricingUnit');
    const committed = textOf(index, cells, 'PricingCategory').toLowerCase() === 'committed';
    const chargeCategory = (cellOf(index, cells, 'ChargeCategory') ?? 'Usage').trim() || 'Usage';
    const key = [stage, service, resourceType, sku, unit, currency, committed, chargeCategory].join('\u0000');
    let g = this.groups.get(key);
    if (!g) {
      g = {
        stage,
        service,
        resourceType,
        sku,
        unit,
        currency,
        committed,
        chargeCategory,
        lines: [],
        rows: 0,
        billed: 0,
        effective: 0,
        list: 0,
        contracted: 0,
        quantity: 0,
        start,
        end,
      };
      this.groups.set(key, g);
    }
    g.rows++;
    if (g.lines.length < LINES_KEPT) g.lines.push(line);
    g.billed += billed;
    g.effective += effective;
    g.list += list;
    g.contracted += contracted;
    g.quantity += quantity;
    if (start < g.start) g.start = start;
    if (end > g.end) g.end = end;
  }

  private stageOf(explicit: string, serviceCategory: string, chargeCategory: string): Stage {
    const fallback = this.options.defaultStage ?? 'final-run';
    if (explicit) {
      const hit = STAGES.find((s) => s === explicit.toLowerCase());
      if (!hit) throw new RowDefect(`x_Stage: expected one of ${STAGES.join(', ')}`, explicit);
      return hit;
    }
    const service = serviceCategory.toLowerCase();
    const category = chargeCategory.toLowerCase();
    if (category === 'tax' || category === 'adjustment') return 'operations';
    if (service === '' || service === 'compute' || service.includes('machine learning')) return fallback;
    return 'operations';
  }

  /** The malformed rows as one line: count, reason, first lines and the first value found, per reason. */
  private malformedSummary(): string {
    return [...this.malformed.values()]
      .sort((a, b) => b.count - a.count)
      .map(
        (m) =>
          `${m.reason} (${m.count.toLocaleString('en-US')} row${m.count === 1 ? '' : 's'}; line${m.lines.length === 1 ? '' : 's'} ${m.lines.join(', ')}${m.count > m.lines.length ? ', …' : ''}${m.found === undefined ? '' : `; found ${m.found}`})`,
      )
      .join('; ');
  }

  /** The draft disclosure; refuses malformed rows (all of them in one line). */
  finish(): FocusImportResult {
    if (this.names === undefined) throw new InputError('empty file: expected a FOCUS header row', this.path);
    if (this.rows === 0) throw new InputError('no charge rows after the header', this.path);
    const bad = [...this.malformed.values()].reduce((sum, m) => sum + m.count, 0);
    // A draft missing some charges would understate the cost: malformed rows are refused, every reason
    // in one line, so one pass over the export finds them all.
    if (bad > 0)
      throw new InputError(
        `${bad.toLocaleString('en-US')} of ${this.rows.toLocaleString('en-US')} rows malformed, nothing imported: ${this.malformedSummary()}`,
        this.path,
      );
    const used = new Set<string>();
    const items: DisclosureItem[] = [];
    for (const g of this.groups.values()) {
      const lines =
        g.rows > g.lines.length
          ? `${g.lines.join(', ')} and ${g.rows - g.lines.length} more`
          : g.lines.join(', ');
      if (g.effective < 0 || g.billed < 0)
        throw new InputError(
          `credits exceed charges for ${g.sku || g.service || 'a group'} (EffectiveCost ${g.effective}, BilledCost ${g.billed}): a disclosure item cannot be negative`,
          `${this.path}:${g.lines[0]}`,
        );
      let id = slug([g.stage, g.sku || g.resourceType || g.service, g.chargeCategory].join('-'));
      for (let n = 2; used.has(id); n++) id = `${id.replace(/-\d+$/, '')}-${n}`;
      used.add(id);
      const gpu = /gpu/i.test(g.unit) && /hour/i.test(g.unit);
      const item: DisclosureItem = {
        id,
        stage: g.stage,
        class: 'technical',
        description: `${g.chargeCategory} of ${[g.service, g.resourceType, g.sku].filter(Boolean).join(' / ') || 'cloud services'}${g.unit ? `, ${round(g.quantity)} ${g.unit}` : ''} (ListCost ${round(g.list)}, ContractedCost ${round(g.contracted)}, BilledCost ${round(g.billed)}, EffectiveCost ${round(g.effective)} ${g.currency})`,
        amount: round(g.effective),
        currency: g.currency,
        date: g.start,
        priceBasis: 'effective',
        provision: g.committed ? 'cloud-committed' : 'cloud-on-demand',
        evidence: 'disclosed',
        source: {
          title: `FOCUS cost and usage file ${this.path}, rows on lines ${lines}`,
          date: g.end,
          note: 'EffectiveCost (amortized) as the amount; BilledCost (cash) as cashAmount where it differs',
        },
      };
      if (gpu && g.quantity > 0) {
        item.quantity = round(g.quantity);
        item.unit = 'GPU-hours';
      }
      if (round(g.billed) !== round(g.effective)) item.cashAmount = round(g.billed);
      items.push(item);
    }
    const groups = [...this.groups.values()];
    const start = groups.map((g) => g.start).sort()[0] ?? '';
    const end =
      groups
        .map((g) => g.end)
        .sort()
        .at(-1) ?? '';
    const baseName =
      this.path
        .split(/[\\/]/)
        .at(-1)
        ?.replace(/\.[^.]*$/, '')
        .replace(/\.csv$/i, '') ?? 'bill';
    const doc = {
      version: 1 as const,
      id: slug(`focus-${baseName}`),
      status: 'draft' as const,
      publisher: { name: this.provider || 'cloud provider (from a FOCUS bill)' },
      model: { name: this.options.modelName ?? '(model name: fill in)' },
      period: { start, end },
      items,
      notes: `Imported from the FOCUS file ${this.path} (${this.rows} rows, ${items.length} items). Add the boundary, quantities and the stages not on the bill.`,
    };
    // The import's own output must be a valid disclosure: check it before handing it over.
    const parsed = disclosureSchema.safeParse(doc);
    if (!parsed.success)
      throw new InputError(
        `the imported rows do not make a valid disclosure: ${parsed.error.issues[0]?.message}`,
        this.path,
      );
    return { disclosure: parsed.data, rows: this.rows, malformed: [...this.malformed.values()] };
  }
}

/** Imports a FOCUS CSV held whole in memory (tests, the browser); files are streamed by the store. */
export function importFocus(file: TextFile, options: FocusImportOptions = {}): Disclosure {
  const importer = new FocusImporter(file.path, options);
  const reader = new CsvReader(file.path, (row) => importer.row(row));
  reader.push(file.text);
  reader.end();
  return importer.finish().disclosure;
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
