import { createEstimator } from '@clearbox/core';
import { loadDefaultCatalog } from '@clearbox/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHumanNumber } from '../format.ts';
import { computeInferenceView, defaultInferenceForm, inferenceOptionsFrom } from './inference-view.ts';
import { computeTrainingView, deepseekV3TrainingForm } from './training-view.ts';

const estimator = createEstimator(loadDefaultCatalog());

describe('numbers as people type them', () => {
  it('reads plain, exponent, grouped and suffixed numbers', () => {
    expect(parseHumanNumber('2788000')).toBe(2_788_000);
    expect(parseHumanNumber('2.788e6')).toBe(2_788_000);
    expect(parseHumanNumber('2,788,000')).toBe(2_788_000);
    expect(parseHumanNumber('14.8T')).toBe(14.8e12);
    expect(parseHumanNumber('  ')).toBeUndefined();
    expect(parseHumanNumber('two')).toBeNaN();
    expect(parseHumanNumber('1e')).toBeNaN();
  });

  it('any positive integer typed plainly reads back as itself', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e12 }), (n) => parseHumanNumber(String(n)) === n));
  });
});

describe('the inference calculator', () => {
  it('shows exactly what the engine computes for the form', () => {
    const view = computeInferenceView(estimator, { ...defaultInferenceForm, batch: '64' });
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    const direct = estimator.inference({ ...view.options });
    expect(view.options.batch).toBe(64);
    expect(view.estimate.throughput.outputTokensPerSecond.value).toBe(
      direct.throughput.outputTokensPerSecond.value,
    );
    // The sweep holds only batches that fit.
    for (const p of view.sweep)
      expect(estimator.inference({ ...view.options, batch: p.batch }).fits).toBe(true);
    expect(view.hardware.length).toBeGreaterThan(10);
  });

  it('collects every typing mistake at its field', () => {
    const { errors } = inferenceOptionsFrom({
      ...defaultInferenceForm,
      count: '0',
      batch: 'lots',
      output: '-3',
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['batch', 'count', 'output']);
  });

  it('puts the engine’s own input errors at the field they name', () => {
    const view = computeTrainingView(estimator, { ...deepseekV3TrainingForm, model: 'mixtral-8x7b' });
    expect(view.ok).toBe(false);
    if (view.ok) return;
    expect(view.errors[0]?.field).toBe('tokens');
    expect(view.errors[0]?.message).toContain('no disclosed training tokens');
  });
});
