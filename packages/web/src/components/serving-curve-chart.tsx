import type { ServingCurvePoint } from '@clearbox/core';
import { humanNumber } from '../format.ts';
import { PlotChart } from './plot-chart.tsx';

/** The curve's points with latencies in ms, as the charts and their captions read them. */
function rows(curve: ServingCurvePoint[]) {
  return curve.map((p) => ({
    ...p,
    label: `c=${p.concurrency}`,
    ttftMs: p.ttftSeconds * 1000,
    tpotMs: p.tpotSeconds * 1000,
  }));
}

/**
 * The serving curve: output tokens/s per device against tokens/s per user (the Pareto view systems are
 * compared on; each dot one concurrency), and TTFT and TPOT over concurrency on a log axis.
 */
export function ServingCurveChart({ curve }: { curve: ServingCurvePoint[] }) {
  if (!curve.length) return null;
  const data = rows(curve);
  const key = JSON.stringify(curve);
  const latency = data.flatMap((p) => [
    { concurrency: p.concurrency, ms: p.ttftMs, what: 'TTFT' },
    { concurrency: p.concurrency, ms: p.tpotMs, what: 'TPOT' },
  ]);
  return (
    <div class="charts" data-testid="serving-curve">
      <PlotChart
        testId="chart-serving-pareto"
        deps={[key]}
        caption={`Output tokens/s per device against tokens/s per user, one dot per concurrency: ${data
          .map(
            (p) =>
              `${p.label}: ${humanNumber(p.outputTokensPerSecondPerDevice)} per device at ${humanNumber(p.perUserTokensPerSecond)} per user`,
          )
          .join('; ')}`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 260,
            marginLeft: 56,
            marginTop: 28,
            x: { type: 'log', label: 'tokens/s per user', grid: true, nice: true, tickFormat: humanNumber },
            y: {
              type: 'log',
              label: 'output tokens/s per device',
              grid: true,
              nice: true,
              tickFormat: humanNumber,
            },
            marks: [
              Plot.line(data, {
                x: 'perUserTokensPerSecond',
                y: 'outputTokensPerSecondPerDevice',
                stroke: '#0b5cad',
              }),
              Plot.dot(data, {
                x: 'perUserTokensPerSecond',
                y: 'outputTokensPerSecondPerDevice',
                fill: '#0b5cad',
                tip: true,
                title: (p: (typeof data)[number]) =>
                  `${p.label}: ${humanNumber(p.outputTokensPerSecondPerDevice)} tok/s/device, ${humanNumber(p.perUserTokensPerSecond)} tok/s/user (${p.cap})`,
              }),
              Plot.text(data, {
                x: 'perUserTokensPerSecond',
                y: 'outputTokensPerSecondPerDevice',
                text: 'label',
                dy: -9,
                fontSize: 10,
              }),
            ],
          })
        }
      />
      <PlotChart
        testId="chart-serving-latency"
        deps={[key]}
        caption={`TTFT and TPOT in ms by concurrency (log scales): ${data
          .map((p) => `${p.label}: TTFT ${humanNumber(p.ttftMs)}, TPOT ${humanNumber(p.tpotMs)}`)
          .join('; ')}`}
        build={(Plot, width) =>
          Plot.plot({
            width,
            height: 240,
            marginLeft: 56,
            x: { type: 'log', label: 'concurrent users', tickFormat: humanNumber },
            y: { type: 'log', label: 'ms', grid: true, tickFormat: humanNumber },
            color: { domain: ['TTFT', 'TPOT'], range: ['#8250df', '#bf8700'], legend: true },
            marks: [
              Plot.line(latency, { x: 'concurrency', y: 'ms', stroke: 'what' }),
              Plot.dot(latency, { x: 'concurrency', y: 'ms', fill: 'what', tip: true }),
            ],
          })
        }
      />
    </div>
  );
}
