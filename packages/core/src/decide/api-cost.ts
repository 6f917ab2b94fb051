import type { Catalog } from '../catalog/catalog.ts';
import { fxRate } from '../catalog/fx.ts';
import type { ApiPrice } from '../catalog/price-schema.ts';
import { type Figure, figure, given, named } from '../figure/figure.ts';
import { DAYS_PER_MONTH } from './assumptions.ts';
import { sourceOf } from './device-cost.ts';
import type { Workload } from './workload.ts';

/** One way to buy the workload from an API provider at the list price effective on `asOf`. */
export interface ApiPlan {
  id: string;
  kind: 'api';
  label: string;
  provider: string;
  apiModel: string;
  /** Catalog model id when the weights are open. */
  model: string | null;
  priceId: string;
  currency: string;
  effective: string;
  monthlyUsd: Figure;
  usdPerMillionTokens: Figure;
  horizonUsd: Figure;
  /** Provider latency is not in the catalog: the SLO is not checked for APIs (null, not true). */
  meetsSlo: null;
  ttftSeconds: null;
  tpotSeconds: null;
  sloNote: string;
}

/**
 * The newest date the catalog's prices are known on: each price counts at the earlier of its
 * effective date and its source's date, so an announced future price (genai-prices lists Gemini
 * increases from 2027-01-01) does not move "as of" past the data. The default "as of" (core has no
 * clock).
 */
export function newestPriceDate(prices: readonly ApiPrice[]): string | undefined {
  let newest: string | undefined;
  for (const p of prices) {
    const known = p.source.date.localeCompare(p.effective) < 0 ? p.source.date : p.effective;
    if (newest === undefined || known > newest) newest = known;
  }
  return newest;
}

/**
 * The entry in force on `date` for each provider × billed model × currency (latest effective, not yet
 * ended). A list published in two currencies stays as two plans, so the conversion shows.
 */
export function pricesInForce(prices: readonly ApiPrice[], date: string): ApiPrice[] {
  const byKey = new Map<string, ApiPrice>();
  for (const p of prices) {
    if (p.effective > date) continue;
    if (p.until !== undefined && p.until <= date) continue;
    const key = `${p.provider}\u0000${p.apiModel}\u0000${p.currency}`;
    const held = byKey.get(key);
    if (!held || p.effective > held.effective) byKey.set(key, p);
  }
  return [...byKey.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Whether a price serves one of the acceptable models (by catalog model, price id or billed name). */
export function isAcceptable(price: ApiPrice, acceptable: ReadonlySet<string>): boolean {
  return (
    (price.model !== undefined && acceptable.has(price.model)) ||
    acceptable.has(price.id) ||
    acceptable.has(price.apiModel.toLowerCase())
  );
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Share of requests that fall in a UTC window (which may wrap midnight, e.g. 16:30-00:30), with the
 * traffic of each hour spread evenly over that hour. 0 when no profile is given.
 */
export function windowShare(
  hourlyShareUtc: readonly number[] | undefined,
  startUtc: string,
  endUtc: string,
): number {
  if (!hourlyShareUtc) return 0;
  const total = hourlyShareUtc.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const start = minutesOf(startUtc);
  const end = minutesOf(endUtc);
  const inWindow = (minute: number) =>
    start <= end ? minute >= start && minute < end : minute >= start || minute < end;
  let share = 0;
  hourlyShareUtc.forEach((s, hour) => {
    let minutes = 0;
    for (let m = 0; m < 60; m++) if (inWindow(hour * 60 + m)) minutes++;
    share += (s / total) * (minutes / 60);
  });
  return share;
}

/** Share of the workload billed at the off-peak price: 0 without a profile or before the window began. */
export function offPeakShare(w: Workload, price: Pick<ApiPrice, 'offPeak'>, asOf?: string): number {
  const off = price.offPeak;
  if (!off) return 0;
  if (asOf !== undefined && off.effective !== undefined && off.effective > asOf) return 0;
  const windows = [{ startUtc: off.startUtc, endUtc: off.endUtc }, ...(off.moreWindowsUtc ?? [])];
  return windows.reduce(
    (sum, x) => sum + windowShare(w.trafficProfile?.hourlyShareUtc, x.startUtc, x.endUtc),
    0,
  );
}

/** Monthly token volumes of a workload, as Figures. */
export interface MonthlyTokens {
  requests: Figure;
  input: Figure;
  cachedInput: Figure;
  uncachedInput: Figure;
  output: Figure;
  total: Figure;
}

export function monthlyTokens(w: Workload, trafficScale = 1): MonthlyTokens {
  const requests = figure({
    name: 'requestsPerMonth',
    value: w.requestsPerDay * trafficScale * DAYS_PER_MONTH,
    unit: 'requests',
    formula: `requests per day${trafficScale === 1 ? '' : ` × ${trafficScale}`} × 30.4375 days`,
    inputs: [named('requestsPerDay', w.requestsPerDay)],
  });
  const input = figure({
    name: 'inputTokensPerMonth',
    value: requests.value * w.inputTokens.mean,
    unit: 'tokens',
    formula: 'requests × mean input tokens',
    inputs: [requests, named('meanInputTokens', w.inputTokens.mean)],
  });
  const cachedInput = figure({
    name: 'cachedInputTokensPerMonth',
    value: input.value * w.cachedInputShare,
    unit: 'tokens',
    formula: 'input tokens × cached input share',
    inputs: [input, named('cachedInputShare', w.cachedInputShare)],
  });
  const uncachedInput = figure({
    name: 'uncachedInputTokensPerMonth',
    value: input.value - cachedInput.value,
    unit: 'tokens',
    formula: 'input tokens − cached input tokens',
    inputs: [input, cachedInput],
  });
  const output = figure({
    name: 'outputTokensPerMonth',
    value: requests.value * w.outputTokens.mean,
    unit: 'tokens',
    formula: 'requests × mean output tokens',
    inputs: [requests, named('meanOutputTokens', w.outputTokens.mean)],
  });
  const total = figure({
    name: 'tokensPerMonth',
    value: input.value + output.value,
    unit: 'tokens',
    formula: 'input tokens + output tokens',
    inputs: [input, output],
  });
  return { requests, input, cachedInput, uncachedInput, output, total };
}

type ListedSides = Pick<ApiPrice, 'inputPerMillion' | 'cachedInputPerMillion' | 'outputPerMillion' | 'tiers'>;

/**
 * The list price a request with `promptTokens` input tokens pays: a long-context tier bills the whole
 * request once the prompt exceeds its threshold (Gemini 1.5 Pro above 128K). Decide prices a workload
 * at its mean prompt length; a tier applies to the whole workload when the mean exceeds it.
 */
export function priceAtPrompt<P extends ListedSides>(price: P, promptTokens: number): P {
  let tier: NonNullable<ApiPrice['tiers']>[number] | undefined;
  for (const t of price.tiers ?? []) if (promptTokens > t.aboveInputTokens) tier = t;
  if (!tier) return price;
  const out = { ...price };
  if (tier.inputPerMillion !== undefined) out.inputPerMillion = tier.inputPerMillion;
  if (tier.cachedInputPerMillion !== undefined) out.cachedInputPerMillion = tier.cachedInputPerMillion;
  if (tier.outputPerMillion !== undefined) out.outputPerMillion = tier.outputPerMillion;
  return out;
}

/**
 * The plain-number cost of a month of the workload at one price (the hot path of the sensitivity
 * table and the property tests; `apiPlan` explains the same arithmetic with Figures).
 */
export function apiMonthlyUsd(
  w: Workload,
  listed: Pick<
    ApiPrice,
    'inputPerMillion' | 'cachedInputPerMillion' | 'outputPerMillion' | 'offPeak' | 'tiers'
  >,
  usdPerUnit: number,
  trafficScale = 1,
  asOf?: string,
): number {
  const price = priceAtPrompt(listed, w.inputTokens.mean);
  const t = monthlyTokens(w, trafficScale);
  const off = offPeakShare(w, price, asOf);
  const inFactor = 1 - off * (price.offPeak?.inputDiscount ?? 0);
  const outFactor = 1 - off * (price.offPeak?.outputDiscount ?? 0);
  const cached = price.cachedInputPerMillion ?? price.inputPerMillion;
  return (
    (usdPerUnit *
      ((t.uncachedInput.value * price.inputPerMillion + t.cachedInput.value * cached) * inFactor +
        t.output.value * price.outputPerMillion * outFactor)) /
    1e6
  );
}

export function apiPlan(
  catalog: Catalog,
  w: Workload,
  listed: ApiPrice,
  asOf: string,
  trafficScale = 1,
): ApiPlan {
  const price = priceAtPrompt(listed, w.inputTokens.mean);
  const tier = price === listed ? '' : `, long-context tier: mean prompt ${w.inputTokens.mean} tokens`;
  const tokens = monthlyTokens(w, trafficScale);
  const fx = fxRate(catalog.fx, price.currency, 'USD', asOf);
  const src = [sourceOf(price.source)];
  const cur = price.currency;
  const inPrice = given(
    'inputPerMillion',
    price.inputPerMillion,
    `${cur}/Mtok`,
    src,
    `${price.id} (from ${price.effective}${tier})`,
  );
  const cachedPrice =
    price.cachedInputPerMillion === undefined
      ? given(
          'cachedInputPerMillion',
          price.inputPerMillion,
          `${cur}/Mtok`,
          src,
          'no cache-hit price listed: full input price',
        )
      : given('cachedInputPerMillion', price.cachedInputPerMillion, `${cur}/Mtok`, src);
  const outPrice = given('outputPerMillion', price.outputPerMillion, `${cur}/Mtok`, src);
  const offShare = offPeakShare(w, price, asOf);
  const offInputs = price.offPeak
    ? [
        figure({
          name: 'offPeakShare',
          value: offShare,
          unit: 'fraction',
          formula: `share of requests in ${price.offPeak.startUtc}-${price.offPeak.endUtc} UTC from the workload's hourly profile`,
          inputs: [named('trafficProfile', w.trafficProfile ? 'given' : 'none: no discount applied')],
          sources: [sourceOf(price.offPeak.source)],
        }),
        named('offPeakInputDiscount', price.offPeak.inputDiscount),
        named('offPeakOutputDiscount', price.offPeak.outputDiscount),
      ]
    : [];
  const value = apiMonthlyUsd(w, price, fx.value, trafficScale, asOf);
  const monthlyUsd = figure({
    name: 'monthlyUsd',
    value,
    unit: 'USD/month',
    formula:
      '[(uncached input × input price + cached input × cache-hit price) × (1 − off-peak share × input discount) + output × output price × (1 − off-peak share × output discount)] / 1e6 × FX',
    inputs: [
      tokens.uncachedInput,
      tokens.cachedInput,
      tokens.output,
      inPrice,
      cachedPrice,
      outPrice,
      ...offInputs,
      fx,
    ],
  });
  return {
    id: `api:${price.id}`,
    kind: 'api',
    label: `${price.provider} ${price.apiModel}${price.currency === 'USD' ? '' : ` (${price.currency} list)`}`,
    provider: price.provider,
    apiModel: price.apiModel,
    model: price.model ?? null,
    priceId: price.id,
    currency: price.currency,
    effective: price.effective,
    monthlyUsd,
    usdPerMillionTokens: perMillionTokens(monthlyUsd, tokens.total),
    horizonUsd: overHorizon(monthlyUsd, w.horizonMonths),
    meetsSlo: null,
    ttftSeconds: null,
    tpotSeconds: null,
    sloNote: 'provider latency is not in the catalog; the SLO is not checked for APIs',
  };
}

export function perMillionTokens(monthly: Figure, tokens: Figure): Figure {
  const f = figure({
    name: 'usdPerMillionTokens',
    value: tokens.value > 0 ? (monthly.value * 1e6) / tokens.value : 0,
    unit: 'USD/Mtok',
    formula: 'monthly USD × 1e6 / tokens per month (input + output)',
    inputs: [monthly, tokens],
  });
  if (monthly.low !== undefined && tokens.value > 0) f.low = (monthly.low * 1e6) / tokens.value;
  if (monthly.high !== undefined && tokens.value > 0) f.high = (monthly.high * 1e6) / tokens.value;
  return f;
}

export function overHorizon(monthly: Figure, months: number): Figure {
  const f = figure({
    name: 'horizonUsd',
    value: monthly.value * months,
    unit: 'USD',
    formula: 'monthly USD × horizon months',
    inputs: [monthly, named('horizonMonths', months, 'months')],
  });
  if (monthly.low !== undefined) f.low = monthly.low * months;
  if (monthly.high !== undefined) f.high = monthly.high * months;
  return f;
}
