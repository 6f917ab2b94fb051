import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../test/load-catalog.ts';
import { fitEfficiencies } from '../estimate/calibration.ts';
import { bundledGenaiLayer, bundledGenaiProviders } from '../prices/bundled-genai.ts';
import { layerCatalogPrices } from '../prices/layers.ts';
import { newestPriceDate, offPeakShare } from './api-cost.ts';
import { decide } from './decide.ts';
import { parseWorkload } from './workload.ts';

const base = shippedCatalog();
const catalog = layerCatalogPrices(base, bundledGenaiLayer(await bundledGenaiProviders(), base.hosted));
const efficiencies = fitEfficiencies(catalog);
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
