import { type Figure, formatFigure, isFigure, type NamedValue, type Source } from '@clearbox/core';
import { useState } from 'preact/hooks';
import { humanFigure } from '../format.ts';

function SourceLine({ source }: { source: Source }) {
  return (
    <li class="src">
      {source.url ? (
        <a href={source.url} rel="noreferrer noopener" target="_blank">
          {source.title}
        </a>
      ) : (
        source.title
      )}{' '}
      ({source.date}){source.note ? ` — ${source.note}` : ''}
    </li>
  );
}

function NamedLine({ value }: { value: NamedValue }) {
  const shown = typeof value.value === 'number' ? value.value.toLocaleString('en-US') : String(value.value);
  return (
    <li>
      <code>{value.name}</code> = {shown}
      {value.unit ? ` ${value.unit}` : ''}
    </li>
  );
}

/**
 * The derivation of a Figure as nested disclosure widgets: the summary is the number, opening it
 * shows the formula, inputs (each itself openable) and sources. Children render only once opened,
 * so a page with many figures stays cheap to recompute as the user types.
 */
export function FigureTree({ figure, depth = 0 }: { figure: Figure; depth?: number }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="fig" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <code>{figure.name}</code> = <strong>{formatFigure(figure)}</strong>
      </summary>
      {open && <FigureBody figure={figure} depth={depth} />}
    </details>
  );
}

function FigureBody({ figure, depth }: { figure: Figure; depth: number }) {
  return (
    <div class="fig-body">
      <div class="formula">{figure.formula === 'given' ? 'given' : figure.formula}</div>
      {figure.note && <div class="note">{figure.note}</div>}
      <ul>
        {depth < 12 &&
          figure.inputs.map((input, i) =>
            isFigure(input) ? (
              <li key={i}>
                <FigureTree figure={input} depth={depth + 1} />
              </li>
            ) : (
              <NamedLine key={i} value={input} />
            ),
          )}
        {figure.sources.map((s) => (
          <SourceLine key={`${s.title}|${s.date}`} source={s} />
        ))}
      </ul>
    </div>
  );
}

/**
 * A headline number: label, value in human units, and a button-like summary that opens the
 * derivation. `data-figure` and `data-value` carry the engine's name and raw value for tests and
 * for anyone scraping the page.
 */
export function FigureStat({ label, figure, hint }: { label: string; figure: Figure; hint?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="stat" data-figure={figure.name} data-value={String(figure.value)}>
      <div class="stat-label">{label}</div>
      <details class="fig stat-fig" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>
          <span class="stat-value">{humanFigure(figure)}</span>
          <span class="how">how?</span>
        </summary>
        {open && (
          <div class="derivation">
            <div class="formula">
              <code>{figure.name}</code> = {formatFigure(figure)}
            </div>
            <FigureBody figure={figure} depth={0} />
          </div>
        )}
      </details>
      {hint && <div class="stat-hint">{hint}</div>}
    </div>
  );
}
