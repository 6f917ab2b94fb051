import type { HardwareClass } from '../catalog/schema.ts';
import { type Figure, given } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';
import type { CostAssumptionOverrides } from './workload.ts';

/**
 * The assumptions of owning hardware, each with the source it comes from. docs/decide.md lists them;
 * a workload's `costs:` block overrides any of them (and the override is then named as the source).
 */

/** 8766 hours a year (365.25 days) / 12. */
export const HOURS_PER_MONTH = 730.5;
export const DAYS_PER_MONTH = 30.4375;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

const epochCost: Source = {
  title: 'Epoch AI, training-cost-trends cost_analysis_standalone.py (energy and server overhead defaults)',
  url: 'https://github.com/epoch-research/training-cost-trends',
  date: '2024-05',
};
const cbre: Source = {
  title:
    'CBRE, North America Data Center Trends H2 2024: average asking rate $184.06 per kW/month (250-500 kW)',
  url: 'https://www.cbre.com/insights/reports/north-america-data-center-trends-h2-2024',
  date: '2025-02-26',
};
const bookLives: Source = {
  title: 'Hyperscaler 10-K server useful lives: 4-6 years (Amazon shortened to 5 in 2025; Nebius 4)',
  date: '2025-02',
  note: 'Epoch uses an economic rate of ~32%/yr (≈3.1 years); 4 years sits between',
};
const clearboxAssumption = (note: string): Source => ({
  title: 'Clearbox assumption (docs/decide.md)',
  date: '2026-11',
  note,
});

export interface CostAssumptions {
  pue: Figure;
  usdPerKwh: Figure;
  hostingUsdPerKwMonth: Figure;
  opsUsdPerDeviceMonth: Figure;
  usefulLifeMonths: Figure;
  powerLoadFactor: Figure;
}

const defaults: Record<keyof CostAssumptions, { value: number; unit: string; source: Source; note: string }> =
  {
    pue: {
      value: 1.25,
      unit: 'ratio',
      source: epochCost,
      note: 'PUE 1.25 for non-hyperscale facilities (Epoch: 1.1 hyperscalers, 1.25 others)',
    },
    usdPerKwh: {
      value: 0.0771,
      unit: 'USD/kWh',
      source: epochCost,
      note: 'US industrial electricity price, 2024',
    },
    hostingUsdPerKwMonth: {
      value: 184.06,
      unit: 'USD/kW-month',
      source: cbre,
      note: 'wholesale colocation per kW of provisioned IT power; electricity billed separately',
    },
    opsUsdPerDeviceMonth: {
      value: 50,
      unit: 'USD/device-month',
      source: clearboxAssumption(
        'one operations engineer at a loaded $240k/year looking after ~400 accelerators; set 0 for a machine you already run',
      ),
      note: 'share of operations staff per owned device',
    },
    usefulLifeMonths: {
      value: 48,
      unit: 'months',
      source: bookLives,
      note: 'straight-line amortization with no residual value',
    },
    powerLoadFactor: {
      value: 0.75,
      unit: 'fraction',
      source: epochCost,
      note: 'average draw as a share of TDP (Epoch: 0.75)',
    },
  };

export function costAssumptions(overrides: CostAssumptionOverrides = {}): CostAssumptions {
  const out = {} as CostAssumptions;
  for (const key of Object.keys(defaults) as Array<keyof CostAssumptions>) {
    const d = defaults[key];
    const given_ = overrides[key];
    out[key] =
      given_ === undefined
        ? given(key, d.value, d.unit, [d.source], d.note)
        : given(
            key,
            given_,
            d.unit,
            [{ title: 'workload costs: override', date: '2026-11' }],
            'set in the workload',
          );
  }
  return out;
}

/**
 * A server around an accelerator costs and draws more than the chip: Epoch's H100 figures are 1.65×
 * the chip price and (10.2 kW / 8) / 0.7 kW ≈ 1.82× its TDP. A desktop GPU, a Mac or a single-board
 * computer is priced and powered as listed (the host PC is assumed to exist already).
 */
export function serverFactors(cls: HardwareClass): { cost: Figure; power: Figure } {
  const datacenter = cls === 'datacenter-gpu' || cls === 'accelerator' || cls === 'tpu' || cls === 'lpu';
  if (datacenter) {
    return {
      cost: given(
        'serverCostFactor',
        1.65,
        '×',
        [epochCost],
        'server and networking over the chip price (1.64-1.69)',
      ),
      power: given('serverPowerFactor', 1.82, '×', [epochCost], 'DGX H100: 10.2 kW / 8 GPUs / 0.7 kW TDP'),
    };
  }
  const note = 'device priced and powered as listed; no server around it';
  return {
    cost: given('serverCostFactor', 1, '×', [clearboxAssumption(note)], note),
    power: given('serverPowerFactor', 1, '×', [clearboxAssumption(note)], note),
  };
}
