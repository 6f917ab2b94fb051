import { createEstimator } from '@clearbox/core';
import { loadDefaultCatalog, loadShippedCalibration } from '@clearbox/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHumanNumber } from '../format.ts';
import { commandLine, inPageWords, valuesFromCommandLine } from './flags.ts';
import {
  computeInferenceView,
  defaultInferenceValues,
  inferenceFields,
  inferenceOptionsFrom,
} from './inference-view.ts';
import { computeTrainingView, defaultTrainingValues, trainingFields } from './training-view.ts';

const estimator = createEstimator(loadDefaultCatalog(), loadShippedCalibration);

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
    const view = computeInferenceView(estimator, { ...defaultInferenceValues, batch: '64' });
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
      ...defaultInferenceValues,
      count: '0',
      batch: 'lots',
      output: '-3',
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['batch', 'count', 'output']);
  });

  it('puts the engine’s own input errors at the field they name', () => {
    const view = computeTrainingView(estimator, { ...defaultTrainingValues, model: 'mixtral-8x7b' });
    expect(view.ok).toBe(false);
    if (view.ok) return;
    expect(view.errors[0]?.field).toBe('tokens');
    expect(view.errors[0]?.message).toContain('no disclosed training tokens');
  });
});

describe('fields as CLI flags', () => {
  it('a blank field is a flag not given: FP8 weights keep the CLI’s BF16 KV cache', () => {
    const { options } = inferenceOptionsFrom({
      model: 'deepseek-v3',
      hardware: 'h200',
      count: '8',
      weights: 'fp8',
      kv: '',
    });
    expect(options).toEqual({ model: 'deepseek-v3', hardware: 'h200', count: 8, weights: 'fp8' });
    const view = computeInferenceView(estimator, {
      model: 'deepseek-v3',
      hardware: 'h200',
      count: '8',
      weights: 'fp8',
    });
    expect(view.ok && view.estimate.kv).toBe('bf16');
  });

  it('reads back the command line it writes, for any values', () => {
    const flagText = fc.stringMatching(/^[a-z0-9.:_-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...inferenceFields.map((f) => f.flag)), flagText),
        (typed) => {
          // A switch (--eager) is on or absent: its only value is 'true'.
          const switches = new Set(inferenceFields.filter((f) => f.boolean).map((f) => f.flag));
          const values = Object.fromEntries(
            Object.entries(typed).map(([k, v]) => [k, switches.has(k) ? 'true' : v]),
          );
          const line = commandLine(inferenceFields, values).join(' ');
          expect(valuesFromCommandLine(inferenceFields, line)).toEqual(values);
        },
      ),
    );
  });

  it('writes a switch as the bare flag, as the CLI takes it, and reads it back wherever it stands', () => {
    const values = { model: 'llama-3.1-405b', hardware: 'mi300x', eager: 'true', count: '8' };
    const line = commandLine(inferenceFields, values);
    expect(line).toContain('--eager');
    expect(line[line.indexOf('--eager') + 1]).not.toBe('true');
    expect(valuesFromCommandLine(inferenceFields, line.join(' '))).toEqual(values);
    expect(valuesFromCommandLine(inferenceFields, '--model x --hardware y --eager')).toEqual({
      model: 'x',
      hardware: 'y',
      eager: 'true',
    });
    expect(inferenceOptionsFrom({ model: 'x', hardware: 'y', eager: 'true' }).options.eager).toBe(true);
  });

  it('drops flags it does not know, so an older page opens a newer link', () => {
    expect(valuesFromCommandLine(trainingFields, '--model x --future 3 --count 8')).toEqual({
      model: 'x',
      count: '8',
    });
  });

  it('names the page’s controls where the engine names flags', () => {
    const view = computeTrainingView(estimator, {
      model: 'deepseek-v3',
      hardware: 'h800',
      'gpu-hours': '2788000',
    });
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    const said = view.estimate.warnings.map((w) => inPageWords(w, trainingFields)).join(' ');
    expect(view.estimate.warnings.join(' ')).toContain('--zero');
    expect(said).not.toMatch(/--[a-z]/);
    expect(said).toContain('“ZeRO stage”');
  });
});
