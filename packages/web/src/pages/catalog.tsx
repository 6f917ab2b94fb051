import {
  type Catalog,
  type CatalogTable,
  countParameters,
  formatNumber,
  type Source,
  tablesAsOf,
} from '@clearbox/core';
import { useId, useMemo } from 'preact/hooks';
import { TableExport } from '../components/table-export.tsx';
import { Tabs } from '../components/tabs.tsx';
import { usePricedEstimator } from '../components/use-priced-estimator.ts';
import { useHashParam } from '../url-state.ts';

type Section = 'hardware' | 'models' | 'prices';
const sections: Array<{ id: Section; label: string }> = [
  { id: 'hardware', label: 'Hardware' },
  { id: 'models', label: 'Models' },
  { id: 'prices', label: 'API prices' },
];

/** Catalog sources as parsed by zod (optional fields may be present as undefined). */
type CatalogSource = { [K in keyof Source]: Source[K] | undefined } & Pick<Source, 'title' | 'date'>;

function SourceCell({ source, label = 'Source' }: { source: CatalogSource; label?: string }) {
  return (
    <td data-label={label}>
      {source.url ? (
        <a href={source.url} rel="noreferrer noopener" target="_blank">
          {source.title}
        </a>
      ) : (
        source.title
      )}
      <div class="muted">{source.date}</div>
    </td>
  );
}

/** Case-insensitive match of every word of the query against a row's searchable text. */
export function matchesQuery(haystack: string, query: string): boolean {
  const text = haystack.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

export function CatalogPage() {
  const [sectionParam, setSectionParam] = useHashParam('section');
  const section: Section = sections.find((s) => s.id === sectionParam)?.id ?? 'hardware';
  const setSection = (next: Section) => setSectionParam(next === 'hardware' ? undefined : next);
  // The ~1,500 genai-prices entries load only when the price tab is opened.
  const priced = usePricedEstimator(section === 'prices');
  const catalog = priced.estimator.catalog;
  const [queryParam, setQuery] = useHashParam('q');
  const query = queryParam ?? '';
  const searchId = useId();
  return (
    <>
      <h1>Catalog</h1>
      <p class="lede">
        The facts every estimate starts from: {catalog.devices.length} devices, {catalog.models.length} models
        and{' '}
        {catalog.priceLayering
          ? `${catalog.prices.length} API prices (Clearbox's own over the @pydantic/genai-prices table)`
          : `${catalog.prices.length} curated API prices`}
        , each with its source and date. Edit them in packages/core/data.
      </p>
      <Tabs
        label="Catalog section"
        tabs={sections}
        selected={section}
        panelId="catalog-panel"
        onSelect={setSection}
      />
      <div class="field" style={{ maxWidth: '28rem' }}>
        <label for={searchId}>Search {section}</label>
        <input
          id={searchId}
          data-testid="catalog-search"
          type="search"
          value={query}
          placeholder="id, name, vendor, family…"
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value || undefined)}
        />
      </div>
      <AsOf catalog={catalog} table={section} />
      <div id="catalog-panel" role="tabpanel" aria-labelledby={`tab-${section}`} class="table-wrap">
        {section === 'hardware' && <HardwareTable catalog={catalog} query={query} />}
        {section === 'models' && <ModelTable catalog={catalog} query={query} />}
        {section === 'prices' && <PriceTable catalog={catalog} query={query} />}
      </div>
    </>
  );
}

const asOfTable: Record<Section, CatalogTable> = { hardware: 'hardware', models: 'models', prices: 'prices' };

/** The table's as-of dates: when its entries were last checked and how recent its newest source is. */
function AsOf({ catalog, table }: { catalog: Catalog; table: Section }) {
  const t = useMemo(() => tablesAsOf(catalog).find((x) => x.table === asOfTable[table]), [catalog, table]);
  if (!t || t.entries === 0) return null;
  const checked =
    t.oldestChecked === undefined
      ? 'no check date recorded'
      : t.oldestChecked === t.newestChecked
        ? `checked ${t.oldestChecked}`
        : `checked between ${t.oldestChecked} and ${t.newestChecked}`;
  return (
    <p class="muted" data-testid="catalog-as-of" data-newest-source={t.newestSource}>
      As of {t.newestChecked ?? t.newestSource}: {t.entries} entries, {checked}; newest source{' '}
      {t.newestSource}. <code>clearbox catalog --stale</code> lists the entries with no recent source.
    </p>
  );
}

function Empty({ what }: { what: string }) {
  return <p class="muted">No {what} match.</p>;
}

function HardwareTable({ catalog, query }: { catalog: Catalog; query: string }) {
  const rows = catalog.devices.filter((d) =>
    matchesQuery(`${d.id} ${d.name} ${d.vendor} ${d.class} ${(d.aliases ?? []).join(' ')}`, query),
  );
  if (!rows.length) return <Empty what="devices" />;
  return (
    <>
      <TableExport
        name="catalog-hardware"
        table={() => ({
          columns: [
            'id',
            'name',
            'vendor',
            'class',
            'denseTflopsBf16',
            'denseTflopsFp16',
            'denseTflopsFp32',
            'denseTflopsFp8',
            'memoryGB',
            'bandwidthGBs',
            'tdpWatts',
            'powerScope',
            'rentalUsdPerHourLow',
            'rentalUsdPerHourHigh',
            'computeSource',
            'computeSourceDate',
            'memorySource',
            'memorySourceDate',
          ],
          rows: rows.map((d) => ({
            id: d.id,
            name: d.name,
            vendor: d.vendor,
            class: d.class,
            denseTflopsBf16: d.compute.denseTflops.bf16,
            denseTflopsFp16: d.compute.denseTflops.fp16,
            denseTflopsFp32: d.compute.denseTflops.fp32,
            denseTflopsFp8: d.compute.denseTflops.fp8,
            memoryGB: d.memory.capacityGB,
            bandwidthGBs: d.memory.bandwidthGBs,
            tdpWatts: d.power.tdpWatts,
            powerScope: d.power.scope,
            rentalUsdPerHourLow: d.prices?.rentalUsdPerHour?.low,
            rentalUsdPerHourHigh: d.prices?.rentalUsdPerHour?.high,
            computeSource: d.compute.source.url ?? d.compute.source.title,
            computeSourceDate: d.compute.source.date,
            memorySource: d.memory.source.url ?? d.memory.source.title,
            memorySourceDate: d.memory.source.date,
          })),
        })}
      />
      <table data-testid="catalog-table" class="cards-on-phone">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Class</th>
            <th scope="col" class="num">
              Dense TFLOPS (BF16 unless marked)
            </th>
            <th scope="col" class="num">
              FP8 TFLOPS
            </th>
            <th scope="col" class="num">
              Memory GB
            </th>
            <th scope="col" class="num">
              GB/s
            </th>
            <th scope="col" class="num">
              TDP W
            </th>
            <th scope="col" class="num">
              $/h rental
            </th>
            <th scope="col">Compute source</th>
            <th scope="col">Memory source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => {
            const rent = d.prices?.rentalUsdPerHour;
            return (
              <tr key={d.id}>
                <th scope="row">
                  {d.name}
                  <div class="muted">
                    <code>{d.id}</code>
                  </div>
                </th>
                <td data-label="Class">{d.class}</td>
                <td class="num" data-label="Dense TFLOPS">
                  {denseTflopsText(d.compute.denseTflops)}
                </td>
                <td class="num" data-label="FP8 TFLOPS">
                  {d.compute.denseTflops.fp8 ?? '—'}
                </td>
                <td class="num" data-label="Memory GB">
                  {d.memory.capacityGB}
                </td>
                <td class="num" data-label="GB/s">
                  {formatNumber(d.memory.bandwidthGBs)}
                </td>
                <td class="num" data-label="TDP W">
                  {d.power.tdpWatts}
                  {d.power.scope === 'system-share' ? (
                    <div class="muted">system share, not chip power</div>
                  ) : d.power.scope === 'system' ? (
                    <div class="muted">whole machine</div>
                  ) : null}
                  {d.power.estimated ? <div class="muted">estimate</div> : null}
                </td>
                <td class="num" data-label="$/h rental">
                  {rent ? `${rent.low}–${rent.high}` : '—'}
                </td>
                <SourceCell source={d.compute.source} label="Compute source" />
                <SourceCell source={d.memory.source} label="Memory source" />
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/**
 * The dense peak people compare devices on: BF16, or, for devices that list none (Apple GPUs, CPUs),
 * the precision they do list, marked, as `clearbox catalog hardware` shows it.
 */
function denseTflopsText(t: Partial<Record<string, number>>): string {
  if (t.bf16 !== undefined) return String(t.bf16);
  for (const dtype of ['fp16', 'fp32'] as const) {
    const v = t[dtype];
    if (v !== undefined) return `${v} (${dtype})`;
  }
  return '—';
}

function ModelTable({ catalog, query }: { catalog: Catalog; query: string }) {
  const rows = useMemo(
    () =>
      catalog.models
        .filter((m) => matchesQuery(`${m.id} ${m.name} ${m.family} ${(m.aliases ?? []).join(' ')}`, query))
        .map((m) => ({ model: m, params: countParameters(m.architecture) })),
    [catalog, query],
  );
  if (!rows.length) return <Empty what="models" />;
  return (
    <>
      <TableExport
        name="catalog-models"
        table={() => ({
          columns: [
            'id',
            'name',
            'family',
            'released',
            'totalParams',
            'activeParams',
            'attention',
            'routedExperts',
            'activeExperts',
            'layers',
            'contextLength',
            'trainingTokens',
            'source',
            'sourceDate',
          ],
          rows: rows.map(({ model: m, params }) => ({
            id: m.id,
            name: m.name,
            family: m.family,
            released: m.released,
            totalParams: params.total,
            activeParams: params.activeMatmul,
            attention: m.architecture.attention.type,
            routedExperts: m.architecture.moe?.routedExperts,
            activeExperts: m.architecture.moe?.activeExperts,
            layers: m.architecture.layers,
            contextLength: m.architecture.contextLength,
            trainingTokens: m.training?.tokens,
            source: m.source.url ?? m.source.title,
            sourceDate: m.source.date,
          })),
        })}
      />
      <table data-testid="catalog-table" class="cards-on-phone">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Released</th>
            <th scope="col" class="num">
              Total params
            </th>
            <th scope="col" class="num">
              Active params
            </th>
            <th scope="col">Attention</th>
            <th scope="col" class="num">
              Layers
            </th>
            <th scope="col" class="num">
              Context
            </th>
            <th scope="col" class="num">
              Training tokens
            </th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ model: m, params }) => (
            <tr key={m.id}>
              <th scope="row">
                {m.name}
                <div class="muted">
                  <code>{m.id}</code>
                </div>
              </th>
              <td data-label="Released">{m.released ?? '—'}</td>
              <td class="num" data-label="Total params">
                {formatNumber(params.total)}
              </td>
              <td class="num" data-label="Active params">
                {formatNumber(params.activeMatmul)}
              </td>
              <td data-label="Attention">
                {m.architecture.attention.type}
                {m.architecture.moe
                  ? `, MoE ${m.architecture.moe.activeExperts}/${m.architecture.moe.routedExperts}`
                  : ''}
              </td>
              <td class="num" data-label="Layers">
                {m.architecture.layers}
              </td>
              <td class="num" data-label="Context">
                {m.architecture.contextLength.toLocaleString('en-US')}
              </td>
              <td class="num" data-label="Training tokens">
                {m.training ? formatNumber(m.training.tokens) : '—'}
              </td>
              <SourceCell source={m.source} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function PriceTable({ catalog, query }: { catalog: Catalog; query: string }) {
  if (!catalog.prices.length)
    return <p class="muted">No API prices in the catalog yet (packages/core/data/prices).</p>;
  const rows = catalog.prices.filter((p) =>
    matchesQuery(`${p.id} ${p.apiModel} ${p.provider} ${p.model ?? ''}`, query),
  );
  if (!rows.length) return <Empty what="prices" />;
  return (
    <>
      <TableExport
        name="catalog-prices"
        table={() => ({
          columns: [
            'id',
            'apiModel',
            'provider',
            'model',
            'effective',
            'effectiveBasis',
            'until',
            'currency',
            'inputPerMillion',
            'cachedInputPerMillion',
            'outputPerMillion',
            'source',
            'sourceDate',
          ],
          rows: rows.map((p) => ({
            id: p.id,
            apiModel: p.apiModel,
            provider: p.provider,
            model: p.model,
            effective: p.effective,
            effectiveBasis: p.effectiveBasis,
            until: p.until,
            currency: p.currency,
            inputPerMillion: p.inputPerMillion,
            cachedInputPerMillion: p.cachedInputPerMillion,
            outputPerMillion: p.outputPerMillion,
            source: p.source.url ?? p.source.title,
            sourceDate: p.source.date,
          })),
        })}
      />
      <table data-testid="catalog-table" class="cards-on-phone">
        <thead>
          <tr>
            <th scope="col">API model</th>
            <th scope="col">Provider</th>
            <th scope="col">Effective</th>
            <th scope="col" class="num">
              Input /M
            </th>
            <th scope="col" class="num">
              Cached input /M
            </th>
            <th scope="col" class="num">
              Output /M
            </th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                {p.apiModel}
                <div class="muted">
                  <code>{p.id}</code>
                </div>
              </th>
              <td data-label="Provider">{p.provider}</td>
              <td
                data-label="Effective"
                title={p.effectiveBasis === 'in-force' ? 'in force on this date; start not known' : undefined}
              >
                {p.effectiveBasis === 'in-force' ? '≤ ' : ''}
                {p.effective}
                {p.until ? ` to ${p.until}` : ''}
              </td>
              <td class="num" data-label="Input /M">
                {p.inputPerMillion} {p.currency}
              </td>
              <td class="num" data-label="Cached input /M">
                {p.cachedInputPerMillion === undefined ? '—' : `${p.cachedInputPerMillion} ${p.currency}`}
              </td>
              <td class="num" data-label="Output /M">
                {p.outputPerMillion} {p.currency}
              </td>
              <SourceCell source={p.source} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
