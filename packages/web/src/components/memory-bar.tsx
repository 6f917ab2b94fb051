import type { InferenceEstimate } from '@clearbox/core';
import { humanFigure } from '../format.ts';
import { FigureTree } from './figure-view.tsx';

/**
 * Memory per device as one bar: weights, KV cache, activations and overhead against usable capacity.
 * Segments are sized against the larger of need and capacity, so an overflow shows as a bar that
 * runs past the capacity marker rather than as a clipped one.
 */
export function MemoryBar({ memory }: { memory: InferenceEstimate['memory'] }) {
  const parts = [
    { key: 'weights', label: 'weights', cls: 'seg-weights', figure: memory.weightsBytes },
    { key: 'kv', label: 'KV cache', cls: 'seg-kv', figure: memory.kvCacheBytes },
    { key: 'act', label: 'activations', cls: 'seg-act', figure: memory.activationBytes },
    { key: 'over', label: 'overhead', cls: 'seg-over', figure: memory.overheadBytes },
  ];
  const capacity = memory.capacityBytes.value;
  const total = memory.totalBytes.value;
  const scale = Math.max(capacity, total);
  const over = total > capacity;
  return (
    <div class={`membar${over ? ' over' : ''}`} data-figure="memory">
      <div
        class="membar-track"
        role="img"
        aria-label={`memory per device: ${humanFigure(memory.totalBytes)} needed of ${humanFigure(memory.capacityBytes)} usable${over ? ', does not fit' : ''}`}
      >
        {parts.map((p) => (
          <div
            key={p.key}
            class={`membar-seg ${p.cls}`}
            style={{ width: `${(100 * p.figure.value) / scale}%` }}
            title={`${p.label}: ${humanFigure(p.figure)}`}
          />
        ))}
      </div>
      <div class="membar-legend">
        {parts.map((p) => (
          <span key={p.key}>
            <span class={`swatch ${p.cls}`} aria-hidden="true" />
            {p.label} {humanFigure(p.figure)}
          </span>
        ))}
        <span class={over ? 'field-error' : 'muted'}>
          {humanFigure(memory.totalBytes)} of {humanFigure(memory.capacityBytes)} usable
          {over ? ': does not fit' : ''}
        </span>
      </div>
      <details class="fig">
        <summary>memory derivation</summary>
        <FigureTree figure={memory.totalBytes} />
        <FigureTree figure={memory.capacityBytes} />
      </details>
    </div>
  );
}
