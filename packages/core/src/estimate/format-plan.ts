import type { Engine, WeightFormat } from '../catalog/calibration-schema.ts';
import type { DenseTflops, Device, Model } from '../catalog/schema.ts';
import { countParameters } from './parameters.ts';
import { type ComputePath, computePathFor, vectorSecondsPerInstruction, weightFormats } from './precision.ts';

/**
 * Where each group of weights sits and how its matmuls run, for one model in one `--weights` format on one
 * device and engine. A checkpoint that ships this very format for its experts only (gpt-oss: MXFP4 experts,
 * BF16 attention, router and embeddings) keeps the rest in 16 bits, as released; any other format applies
 * to every linear layer of the blocks, with embeddings and LM head at the format's head width.
 */
export interface FormatPlan {
  /** Format of the blocks' non-expert linear layers. */
  blocks: WeightFormat;
  /** Format of the routed experts. */
  experts: WeightFormat;
  bytesPerWeight: number;
  expertBytesPerWeight: number;
  headBytesPerWeight: number;
  blocksPath: ComputePath;
  expertsPath: ComputePath;
  /** Dense FLOP/s the matmuls run at: the FLOP-weighted harmonic mean of both paths' peaks. */
  peakFlops: number;
  /** Vector-unit seconds per weight element of each group, when dequantized (0 when native). */
  dequantSecondsPerWeight: number;
  expertDequantSecondsPerWeight: number;
  /** One line: which path each group takes (shown with the estimate). */
  note: string;
}

export function formatPlan(model: Model, device: Device, weights: WeightFormat, engine?: Engine): FormatPlan {
  const native = model.nativeWeights;
  const expertsOnly =
    model.architecture.moe !== undefined && native?.appliesTo === 'experts' && native.format === weights;
  const blocks: WeightFormat = expertsOnly ? 'bf16' : weights;
  const peaks: DenseTflops = device.compute.denseTflops;
  const expertsPath = computePathFor(weights, device, engine);
  const blocksPath = expertsOnly ? computePathFor(blocks, device, engine) : expertsPath;
  const peakOf = (p: ComputePath) => (peaks[p.dtype] ?? 0) * 1e12;
  let peakFlops = peakOf(expertsPath);
  if (expertsOnly) {
    const p = countParameters(model.architecture);
    const moe = model.architecture.moe;
    const expertFlops = moe ? p.moeLayers * moe.activeExperts * p.perExpert : 0;
    const blockFlops = Math.max(0, p.activeMatmul - expertFlops);
    peakFlops =
      (expertFlops + blockFlops) / (expertFlops / peakOf(expertsPath) + blockFlops / peakOf(blocksPath));
  }
  const perOp = vectorSecondsPerInstruction(peaks);
  const head = expertsOnly ? 2 : weightFormats[weights].headBitsPerWeight / 8;
  const describe = (f: WeightFormat, p: ComputePath) =>
    p.native ? `${f} at the ${p.dtype} peak` : `${f} unpacked to ${p.dtype} (weight-only)`;
  const note = expertsOnly
    ? `routed experts ${describe(weights, expertsPath)}; attention, router and embeddings bf16 as released`
    : describe(weights, expertsPath);
  return {
    blocks,
    experts: weights,
    bytesPerWeight: weightFormats[blocks].bitsPerWeight / 8,
    expertBytesPerWeight: weightFormats[weights].bitsPerWeight / 8,
    headBytesPerWeight: head,
    blocksPath,
    expertsPath,
    peakFlops,
    dequantSecondsPerWeight: blocksPath.dequantOpsPerWeight * perOp,
    expertDequantSecondsPerWeight: expertsPath.dequantOpsPerWeight * perOp,
    note,
  };
}
