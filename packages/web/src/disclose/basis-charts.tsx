import { type BasisResult, STAGE_COLOURS, STAGES } from '@clearbox/core';
import { PlotChart } from '../components/plot-chart.tsx';
import { formatUsd } from '../format.ts';

/**
 * Room for a basis label above its row: labels wrap (to two lines on a phone) instead of being clipped
 * at the left margin. Plot's lineWidth is in ems; one em is the 10 px font size, less a margin for bold.
 */
const rowPx = (width: number) => (width < 500 ? 60 : 46);
const labelEms = (width: number) => Math.max(20, (width - 24) / 11);

/**
 * The bases of a disclosure in two honest pictures. Totals run from millions (a final run) to billions
 * (a fleet over years), so they sit on a log axis, each with its P10–P90 whisker; a stacked bar cannot
 * use a log axis (segments would lie about their shares), so the make-up by stage is a second chart of
 * shares (each bar 100%), with a legend that wraps rather than overlaps.
 */
export function BasisCharts({ bases }: { bases: readonly BasisResult[] }) {
  if (bases.length === 0) return null;
  const totals = bases.map((b) => ({
    basis: b.label,
    value: b.total.value,
    low: b.total.low ?? b.total.value,
    high: b.total.high ?? b.total.value,
    text: formatUsd(b.total.value),
  }));
  const shares = bases.flatMap((b) =>
    b.stages
      .filter((s) => s.total.value > 0)
      .map((s) => ({ basis: b.label, stage: s.stage, value: s.total.value, text: formatUsd(s.total.value) })),
  );
  const used = STAGES.filter((s) => shares.some((x) => x.stage === s));
  const span = Math.max(...totals.map((t) => t.high)) / Math.max(1e-9, Math.min(...totals.map((t) => t.low)));
  const order = totals.map((t) => t.basis);
  return (
    <div class="basis-charts">
      <PlotChart
        testId="chart-bases"
        deps={[JSON.stringify(totals)]}
        caption={`Total of each basis with its P10–P90 range${span > 20 ? ' (log scale: the totals span more than an order of magnitude)' : ''}: ${totals.map((t) => `${t.basis} ${t.text}`).join('; ')}.`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 40 + rowPx(width) * bases.length,
            marginLeft: 8,
            marginRight: 16,
            x: {
              type: span > 20 ? 'log' : 'linear',
              label: 'USD',
              grid: true,
              tickFormat: formatUsd,
              ...(span > 20 ? {} : { zero: true }),
            },
            y: { domain: order, axis: null, padding: 0.55 },
            marks: [
              Plot.text(totals, {
                y: 'basis',
                text: (d: { basis: string; text: string }) => `${d.basis}: ${d.text}`,
                frameAnchor: 'left',
                textAnchor: 'start',
                lineAnchor: 'bottom',
                dy: -9,
                lineWidth: labelEms(width),
                fontWeight: 600,
              }),
              Plot.ruleY(totals, { y: 'basis', x1: 'low', x2: 'high', stroke: '#1b1f24', strokeWidth: 1.5 }),
              Plot.tickX(totals, { y: 'basis', x: 'low', stroke: '#1b1f24' }),
              Plot.tickX(totals, { y: 'basis', x: 'high', stroke: '#1b1f24' }),
              Plot.dot(totals, { y: 'basis', x: 'value', fill: '#0b5cad', r: 5, tip: true }),
            ],
          })
        }
      />
      <PlotChart
        testId="chart-stages"
        deps={[JSON.stringify(shares)]}
        caption={`Share of each basis by stage: ${bases
          .map(
            (b) =>
              `${b.label}: ${b.stages
                .filter((s) => s.total.value > 0)
                .map((s) => `${s.stage} ${formatUsd(s.total.value)}`)
                .join(', ')}`,
          )
          .join('; ')}.`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 40 + rowPx(width) * bases.length,
            marginLeft: 8,
            marginRight: 16,
            x: { label: 'share of the basis (%)', percent: true, grid: true },
            y: { domain: order, axis: null, padding: 0.55 },
            color: {
              legend: true,
              domain: used,
              range: used.map((s) => STAGE_COLOURS[s]),
            },
            marks: [
              Plot.barX(shares, {
                y: 'basis',
                x: 'value',
                fill: 'stage',
                offset: 'normalize',
                order: used,
                title: (d: { stage: string; text: string }) => `${d.stage}: ${d.text}`,
              }),
              Plot.text(order, {
                y: (d: string) => d,
                text: (d: string) => d,
                frameAnchor: 'left',
                textAnchor: 'start',
                lineAnchor: 'bottom',
                dy: -9,
                lineWidth: labelEms(width),
                fontWeight: 600,
              }),
            ],
          })
        }
      />
    </div>
  );
}
