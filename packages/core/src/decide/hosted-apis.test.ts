import { describe, expect, it } from 'vitest';
import { shippedCalibration, shippedCatalog, shippedEstimator } from '../../test/load-catalog.ts';
import { auditClaims } from '../audit/audit.ts';
import { auditContext } from '../audit/context.ts';
import { fitEfficiencies } from '../estimate/calibration.ts';
import { bundledGenaiLayer, bundledGenaiProviders } from '../prices/bundled-genai.ts';
import { layerCatalogPrices } from '../prices/layers.ts';
import { apiMonthlyUsd, monthlyTokens, newestPriceDate, offPeakShare, priceAtPrompt } from './api-cost.ts';
import { decide } from './decide.ts';
import { parseWorkload } from './workload.ts';

const base = shippedCatalog();
const catalog = layerCatalogPrices(base, bundledGenaiLayer(await bundledGenaiProviders(), base.hosted));
const efficiencies = fitEfficiencies(catalog, shippedCalibration().inference);
const workload = (extra = '') =>
  parseWorkload(
    {
      path: 'llama-8b.yaml',
      text: `version: 1
name: llama-8b-chat
requestsPerDay: 20000
inputTokens: { mean: 1000, p95: 3000 }
outputTokens: { mean: 300, p95: 800 }
cachedInputShare: 0
peakToAverage: 2
slo: { ttftSeconds: 2, tpotSeconds: 0.05 }
quality: { minModels: [llama-3.1-8b] }
horizonMonths: 12
${extra}`,
    },
    catalog,
  );

describe('Decide against every API that serves an open-weight model', () => {
  it('a Llama 3.1 8B workload gets the hosted APIs that serve it, not "no API price"', () => {
    const result = decide(catalog, efficiencies, workload(), { top: 3 });
    expect(result.warnings.join(' ')).not.toContain('no API price');
    const labels = result.api.map((p) => p.label);
    expect(labels).toContain('together meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo');
    expect(labels).toContain('groq llama-3.1-8b-instant');
    expect(result.api.length).toBeGreaterThan(10);
    expect(result.api.every((p) => p.model === 'llama-3.1-8b')).toBe(true);
    // Each plan's cost comes from its own list price: Together's $0.18/$0.18 over 791 M tokens.
    const together = result.api.find((p) => p.provider === 'together');
    expect(together?.usdPerMillionTokens.value).toBeCloseTo(0.18, 6);
  });

  it('the default "as of" is the newest date a price is known on, not an announced future price', () => {
    expect(newestPriceDate(catalog.prices)).toBe('2026-09-23');
    expect(catalog.prices.some((p) => p.effective > '2026-12-31')).toBe(true);
  });

  it('sums every discounted window (DeepSeek V4: 04:00-06:00 and 10:00-01:00 UTC)', () => {
    const v4 = catalog.prices.find((p) => p.id === 'gp-deepseek-deepseek-v4-flash-2026-08-17');
    expect(v4?.offPeak?.moreWindowsUtc).toEqual([{ startUtc: '10:00', endUtc: '01:00' }]);
    const flat = workload(
      'trafficProfile: { hourlyShareUtc: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1] }',
    );
    // 2 h + 15 h of 24 are off-peak.
    expect(offPeakShare(flat, v4 ?? {})).toBeCloseTo(17 / 24, 10);
  });
});

describe('long-context tiers in Decide', () => {
  it('a workload whose mean prompt exceeds 128K pays Gemini 1.5 Pro’s upper tier', () => {
    const gemini = catalog.prices.find((p) => p.id === 'gemini-1.5-pro-2024-10');
    if (!gemini) throw new Error('gemini-1.5-pro-2024-10 missing');
    expect(priceAtPrompt(gemini, 100_000).inputPerMillion).toBe(1.25);
    expect(priceAtPrompt(gemini, 200_000)).toMatchObject({ inputPerMillion: 2.5, outputPerMillion: 10 });
    const long = workload();
    long.inputTokens = { mean: 200_000, p95: 400_000 };
    const t = monthlyTokens(long);
    // Every token of the workload at the upper tier: $2.50 input, $10 output per million.
    expect(apiMonthlyUsd(long, gemini, 1)).toBeCloseTo((t.input.value * 2.5 + t.output.value * 10) / 1e6, 6);
  });
});

describe('Audit price-checks any hosted API', () => {
  it('a price claim may name a genai-prices entry: Together Llama 3.1 8B Turbo vs Groq 8B Instant', () => {
    const ctx = auditContext(catalog, new Map(), shippedEstimator(catalog));
    const report = auditClaims(ctx, {
      path: 'claims.yaml',
      text: `version: 1
claims:
  - id: together-vs-groq-8b
    text: "Llama 3.1 8B on Together Turbo costs more than twice Groq's output price"
    source: { title: a test claim, date: 2026-12-04 }
    about: price
    check:
      kind: price-ratio
      a: { price: gp-together-meta-llama-meta-llama-3.1-8b-instruct-turbo, side: output }
      b: { price: gp-groq-llama-3.1-8b-instant, side: output }
      claimed: { value: 2, hedge: over }
`,
    });
    expect(report.issues).toEqual([]);
    const result = report.results[0];
    expect(result?.figures[0]?.value).toBeCloseTo(0.18 / 0.08, 10);
    expect(result?.verdict).toBe('holds');
  });
});
