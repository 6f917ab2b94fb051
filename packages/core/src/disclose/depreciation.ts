import { type Figure, figure, named } from '../figure/figure.ts';
import type { Source } from '../figure/source.ts';

/** Hours in a year of 365.25 days, as Epoch AI's cost model uses. */
export const HOURS_PER_YEAR = 8766;

export const epochCostModelSource: Source = {
  title:
    'Cottier et al., The rising costs of training frontier AI models (arXiv 2405.21015), cost_analysis_standalone.py',
  url: 'https://github.com/epoch-research/training-cost-trends',
  date: '2024-05',
  note: 'hardware price-performance improves 0.14 orders of magnitude per year; depreciation rate r = 0.14·ln 10 ≈ 0.322/yr',
};

/** Epoch AI: hardware price-performance improves 0.14 orders of magnitude a year. */
export const PRICE_PERFORMANCE_OOM_PER_YEAR = 0.14;
export const ECONOMIC_DEPRECIATION_PER_YEAR = PRICE_PERFORMANCE_OOM_PER_YEAR * Math.LN10;

export interface OwnedRateInputs {
  unitPrice: Figure;
  residualValue: number;
  usefulLifeYears: number;
  utilization: number;
  interconnectShare: number;
  /** Years from acquisition to the start of the disclosure period (economic basis only). */
  yearsHeld: number;
}

/**
 * Book depreciation per GPU-hour used: (price − residual) / (life · 8766 h · utilization), grossed up
 * for interconnect not in the unit price. Idle hours are charged to the used ones, as a book does.
 */
export function straightLinePerGpuHour(o: OwnedRateInputs): Figure {
  const value =
    (o.unitPrice.value - o.residualValue) /
    (o.usefulLifeYears * HOURS_PER_YEAR * o.utilization) /
    (1 - o.interconnectShare);
  return figure({
    name: 'straightLineUsdPerGpuHour',
    value,
    unit: 'USD/GPU-h',
    formula: '(unit price − residual) / (useful life · 8766 h · utilization) / (1 − interconnect share)',
    inputs: [
      o.unitPrice,
      named('residualValue', o.residualValue, 'USD'),
      named('usefulLifeYears', o.usefulLifeYears, 'years'),
      named('utilization', o.utilization),
      named('interconnectShare', o.interconnectShare),
    ],
  });
}

/**
 * Economic depreciation (Epoch AI): the chip's value, first depreciated from acquisition to the start
 * of the run by 10^(−0.14·years), loses r = 0.14·ln 10 of its value a year; per hour of use that is
 * value · r / 8766. Utilization is not applied, as in Epoch's method (its cost is per chip-hour used).
 */
export function economicPerGpuHour(o: OwnedRateInputs): Figure {
  const heldFactor = 10 ** (-PRICE_PERFORMANCE_OOM_PER_YEAR * Math.max(0, o.yearsHeld));
  const value =
    (o.unitPrice.value * heldFactor * ECONOMIC_DEPRECIATION_PER_YEAR) /
    HOURS_PER_YEAR /
    (1 - o.interconnectShare);
  return figure({
    name: 'economicUsdPerGpuHour',
    value,
    unit: 'USD/GPU-h',
    formula: 'unit price · 10^(−0.14 · years held) · (0.14 · ln 10) / 8766 h / (1 − interconnect share)',
    inputs: [
      o.unitPrice,
      named('yearsHeld', Math.max(0, o.yearsHeld), 'years'),
      named('r', ECONOMIC_DEPRECIATION_PER_YEAR, '1/year'),
      named('interconnectShare', o.interconnectShare),
    ],
    sources: [epochCostModelSource],
  });
}
