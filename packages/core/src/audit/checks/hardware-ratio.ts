import { findDevice } from '../../catalog/catalog.ts';
import type { DenseTflops, Device } from '../../catalog/schema.ts';
import { deviceSource } from '../../estimate/peak.ts';
import { devicePowerFigure, isChipPower, powerCaveat } from '../../estimate/power.ts';
import { type Figure, figure, given, rangeMidpoint } from '../../figure/figure.ts';
import type { CheckOf, HardwareMetric } from '../claim-schema.ts';
import { describeClaimed, matchClaimed, sensitivityLine } from '../claimed.ts';
import type { AuditContext } from '../context.ts';
import type { CheckOutcome } from '../verdict.ts';
import { claimedFigure, num } from './common.ts';

type Precision = keyof DenseTflops;
/** Compute metrics are also read at the other precisions: "N times faster" rarely names one. */
const PRECISIONS: Precision[] = ['bf16', 'fp8', 'int8', 'fp4'];

/** A device's dense peak at a precision; a device without it runs that work at its next-wider rate. */
function peak(device: Device, precision: Precision): Figure {
  const t = device.compute.denseTflops;
  const order: Precision[] = {
    bf16: ['bf16', 'fp16'],
    fp8: ['fp8', 'bf16', 'fp16'],
    int8: ['int8', 'fp8', 'bf16', 'fp16'],
    fp4: ['fp4', 'fp8', 'int8', 'bf16', 'fp16'],
  }[precision as 'bf16'] as Precision[];
  for (const p of order) {
    const v = t[p];
    if (v !== undefined)
      return given(
        `peak(${device.id}, ${precision})`,
        v * 1e12,
        precision === 'int8' ? 'OP/s' : 'FLOP/s',
        [deviceSource(device.compute.source)],
        p === precision
          ? `${device.name}, dense ${p}`
          : `${device.name} lists no ${precision} peak: its dense ${p} rate is used`,
      );
  }
  return given(
    `peak(${device.id}, ${precision})`,
    Number.NaN,
    'FLOP/s',
    [],
    `${device.name} lists no tensor peak`,
  );
}

function metricValue(device: Device, metric: HardwareMetric, precision: Precision): Figure | string {
  if (metric === 'memory-bandwidth')
    return given(`bandwidth(${device.id})`, device.memory.bandwidthGBs * 1e9, 'B/s', [
      deviceSource(device.memory.source),
    ]);
  if (metric === 'memory-capacity')
    return given(`capacity(${device.id})`, device.memory.capacityGB * 1e9, 'B', [
      deviceSource(device.memory.source),
    ]);
  const pk = peak(device, precision);
  if (metric === 'bf16-flops' || metric === 'fp8-flops' || metric === 'int8-ops') return pk;
  if (metric === 'flops-per-watt') {
    // A system share (Ascend 910C: CloudMatrix 384's power / 384) is no chip power: refuse the ratio.
    if (!isChipPower(device)) return `${powerCaveat(device)}; FLOPs per watt needs the chip's own power`;
    const tdp = devicePowerFigure(device, `tdp(${device.id})`);
    const caveat = powerCaveat(device);
    return figure({
      name: `flopsPerWatt(${device.id}, ${precision})`,
      value: pk.value / tdp.value,
      unit: 'FLOP/s/W',
      formula: device.power.estimated ? 'dense peak / TDP (ESTIMATED power)' : 'dense peak / TDP',
      inputs: [pk, tdp],
      ...(caveat === undefined ? {} : { note: caveat }),
    });
  }
  const purchase = device.prices?.purchaseUsd;
  if (!purchase) return `${device.name} has no purchase price in the catalog`;
  const usd = rangeMidpoint(`price(${device.id})`, purchase, 'USD', 'midpoint of the catalog range');
  return figure({
    name: `usdPerFlops(${device.id}, ${precision})`,
    value: usd.value / pk.value,
    unit: 'USD/(FLOP/s)',
    formula: 'purchase price / dense peak',
    inputs: [usd, pk],
  });
}

const primaryPrecision: Record<HardwareMetric, Precision> = {
  'bf16-flops': 'bf16',
  'fp8-flops': 'fp8',
  'int8-ops': 'int8',
  'memory-bandwidth': 'bf16',
  'memory-capacity': 'bf16',
  'flops-per-watt': 'bf16',
  'price-per-flop': 'bf16',
};

function ratioAt(a: Device, b: Device, metric: HardwareMetric, precision: Precision): Figure | string {
  const va = metricValue(a, metric, precision);
  const vb = metricValue(b, metric, precision);
  if (typeof va === 'string') return va;
  if (typeof vb === 'string') return vb;
  return figure({
    name: `ratio(${metric}${metric.startsWith('memory') ? '' : `, ${precision}`})`,
    value: va.value / vb.value,
    unit: 'ratio',
    formula: `${va.name} / ${vb.name}`,
    inputs: [va, vb],
  });
}

function label(metric: HardwareMetric, precision: Precision): string {
  if (metric === 'flops-per-watt') return `${precision} FLOPs per watt`;
  if (metric === 'price-per-flop') return `price per ${precision} FLOP/s`;
  if (metric.startsWith('memory')) return metric.replace('-', ' ');
  return `dense ${precision} peak`;
}

/** Ratio of two devices on a spec-sheet metric, read at the claim's precision and at the others. */
export function checkHardwareRatio(ctx: AuditContext, check: CheckOf<'hardware-ratio'>): CheckOutcome {
  const a = findDevice(ctx.catalog, check.a);
  const b = findDevice(ctx.catalog, check.b);
  const precision = primaryPrecision[check.metric];
  const primary = ratioAt(a, b, check.metric, precision);
  const said = describeClaimed(check.claimed, check.tolerance);
  if (typeof primary === 'string')
    return {
      verdict: 'unverifiable',
      explanation: `The ${check.metric} ratio of ${a.name} to ${b.name} needs data the catalog lacks: ${primary}.`,
      figures: [],
      assumptions: [`Add the missing figure to the hardware catalog to check the claimed ${said}.`],
    };
  const claimed = claimedFigure('claimedRatio', check.claimed, 'ratio', check.tolerance);
  const computeMetric = !check.metric.startsWith('memory');
  // A precision is read only where both devices list it, or where the newer device has a format the
  // older one lacks (FP4 on B200 against the H100's FP8: the vendors' own comparison). A figure the
  // catalog simply lacks (no INT8 for the 910C) would otherwise compare one chip's BF16 with the
  // other's FP8: an artefact, not a ratio.
  const newer = (x: Device, y: Device) =>
    x.released !== undefined && y.released !== undefined && x.released > y.released;
  const readable = (p: Precision) => {
    const ta = a.compute.denseTflops[p] !== undefined;
    const tb = b.compute.denseTflops[p] !== undefined;
    return (ta && tb) || (ta && !tb && newer(a, b)) || (tb && !ta && newer(b, a));
  };
  const skipped = computeMetric
    ? PRECISIONS.filter(
        (p) =>
          p !== precision &&
          !readable(p) &&
          (a.compute.denseTflops[p] !== undefined || b.compute.denseTflops[p] !== undefined),
      )
    : [];
  const alternatives = computeMetric
    ? PRECISIONS.filter((p) => p !== precision && readable(p))
        .map((p) => ({
          p,
          r: ratioAt(
            a,
            b,
            check.metric === 'fp8-flops' || check.metric === 'int8-ops' ? 'bf16-flops' : check.metric,
            p,
          ),
        }))
        .filter(
          (x): x is { p: Precision; r: Figure } => typeof x.r !== 'string' && Number.isFinite(x.r.value),
        )
    : [];
  const dates =
    a.released && b.released
      ? ` (${b.name} released ${b.released}, ${a.name} ${a.released}: ${num(Math.abs(Number(a.released.slice(0, 4)) - Number(b.released.slice(0, 4))))} years apart)`
      : '';
  const head = `On the ${label(check.metric, precision)}, ${a.name} is ${num(primary.value)}× ${b.name}${dates}.`;
  const altText = alternatives.map((x) => `${num(x.r.value)}× on the ${label(check.metric, x.p)}`).join(', ');
  const figures = [primary, ...alternatives.map((x) => x.r), claimed];
  const assumptions = [
    'Spec-sheet dense peaks and TDPs from the catalog; measured application performance can differ.',
  ];
  if (check.metric === 'flops-per-watt')
    for (const d of [a, b]) {
      const caveat = powerCaveat(d);
      if (caveat !== undefined) assumptions.push(caveat);
    }
  if (skipped.length > 0)
    assumptions.push(
      `Not read at ${skipped.join(', ')}: only one device lists a figure there, and the catalog lacking a figure is not the chip lacking the format.`,
    );
  const sensitivity = [
    `claim ${said} against ${num(primary.value)}× on the ${label(check.metric, precision)}: ${sensitivityLine(check.claimed, primary.value, check.tolerance) ?? 'read literally'}`,
  ];
  const scope = check.vendorScope;
  if (scope) {
    const anyMatch = [primary, ...alternatives.map((x) => x.r)].some(
      (r) => matchClaimed(check.claimed, r.value, check.tolerance).holds,
    );
    const vendorSaid = scope.figure ? ` (${describeClaimed(scope.figure)})` : '';
    if (!anyMatch)
      return {
        verdict: 'misleading',
        explanation: `${head} ${altText ? `At other precisions: ${altText}. ` : ''}The claimed ${said} is not a chip-for-chip figure. Multiples like it are the vendor's system-level figures${vendorSaid}, for ${scope.system}, on ${scope.workload} (${scope.source.title}): the claim holds only for that system and workload.`,
        figures,
        assumptions: [
          ...assumptions,
          `What the vendor's figure includes beyond the chip (the ${scope.system} system and its interconnect, the ${scope.workload} workload and precision).`,
        ],
        qualifiers: [
          {
            id: 'vendor-scope',
            text: `true only for ${scope.system} on ${scope.workload} (${scope.source.title}, ${scope.source.date})`,
          },
        ],
        compared: primary,
        sensitivity,
      };
  }
  if (matchClaimed(check.claimed, primary.value, check.tolerance).holds)
    return {
      verdict: 'holds',
      explanation: `${head} That matches the claimed ${said}.`,
      figures,
      assumptions,
      compared: primary,
      sensitivity,
    };
  const matching = alternatives.filter((x) => matchClaimed(check.claimed, x.r.value, check.tolerance).holds);
  if (matching.length > 0)
    return {
      verdict: 'holds-on-basis',
      explanation: `${head} The claimed ${said} matches only ${matching.map((x) => `the ${label(check.metric, x.p)} (${num(x.r.value)}×)`).join(' and ')}${altText ? `; other precisions give ${altText}` : ''}.`,
      figures,
      assumptions: [
        ...assumptions,
        'Which precision the comparison uses (a lower precision on the newer device is not like for like).',
      ],
      compared: primary,
      sensitivity,
    };
  return {
    verdict: 'false',
    explanation: `${head} ${altText ? `At other precisions: ${altText}. ` : ''}None of these is the claimed ${said}.`,
    figures,
    assumptions: [
      ...assumptions,
      'A measured benchmark (rather than spec sheets) or a whole-system comparison could give a different ratio.',
    ],
    compared: primary,
    sensitivity,
  };
}
