/** The price comparisons the audit reuses, from the Prices pillar (one source of the arithmetic). */
export { priceChange, priceRatio } from '../../prices/compare.ts';
export { DEFAULT_BLEND_WEIGHT } from '../../prices/side.ts';
