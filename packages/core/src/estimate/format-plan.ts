import type { Engine, WeightFormat } from '../catalog/calibration-schema.ts';
import type { EngineClassId } from '../catalog/engine-schema.ts';
import type { DenseTflops, Device, Model } from '../catalog/schema.ts';
import type { PathFactor } from './efficiency.ts';
import { llamacppComputePath } from './llamacpp-kernels.ts';
import { countParameters } from './parameters.ts';
import { matmulPeaks } from './peak.ts';
import {
  type ComputePath,
  type ComputePathId,
  computePathFor,
  computePathOf,
  DEQUANT_TILE_TOKENS,
  sixteenBitDtype,
  vectorSecondsPerInstruction,
  weightFormats,
} from './precision.ts';

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
  /**
   * The LM head's matmul path: 16-bit where the checkpoint keeps the head unquantized (ModelOpt FP8/NVFP4,
   * AWQ/GPTQ, DeepSeek FP8, gpt-oss), the blocks' path where the head is stored like them (GGUF, 16-bit).
   */
  headPath: ComputePath;
  /** MoE routers stay 16-bit in every recipe read (ModelOpt disables `*router*`, `*mlp.gate.*`). */
  routerDtype: keyof DenseTflops;
  /** Dense FLOP/s the matmuls run at: the FLOP-weighted harmonic mean of both paths' peaks. */
  peakFlops: number;
  /** Vector-unit seconds per weight element of each group, when dequantized (0 when native). */
  dequantSecondsPerWeight: number;
  expertDequantSecondsPerWeight: number;
  /** Tokens per unpacking pass over the weights (128 for mixed-input GEMMs; llama.cpp's kernels differ). */
  dequantTileTokens: number;
  /**
   * The dense FFN where it has a format of its own (fp8_mixed on a dense model: FP8 in the inner layers
   * beside BF16 attention): bytes per weight averaged over the dense layers, its path and unpacking cost.
   * Absent: the dense FFN is stored and runs like the other block weights.
   */
  ffn?: { bytesPerWeight: number; path: ComputePath; dequantSecondsPerWeight: number };
  /** One line: which path each group takes (shown with the estimate). */
  note: string;
}

/** The path a format takes under an engine: the generic one, refined where the engine is llama.cpp. */
function pathFor(
  format: WeightFormat,
  device: Device,
  engine: Engine | undefined,
  engineClass: EngineClassId | undefined,
): ComputePath {
  const generic = computePathFor(format, device, engine);
  return llamacppComputePath(format, device, engineClass, generic) ?? generic;
}

export function formatPlan(
  model: Model,
  device: Device,
  weights: WeightFormat,
  engine?: Engine,
  /** The class `engine` resolves to on the device (llama.cpp's backends run their own kernels). */
  engineClass?: EngineClassId,
): FormatPlan {
  const native = model.nativeWeights;
  // Meta's fp8_mixed quantizes the FFN of the inner layers only: the routed experts of an MoE model (its
  // dense and shared FFNs stay BF16, llama-stack's fp8_mixed for Llama 4), the dense FFN of a dense one.
  const innerFfn = weightFormats[weights].scope === 'inner-ffn';
  const expertsOnly =
    model.architecture.moe !== undefined &&
    (innerFfn || (native?.appliesTo === 'experts' && native.format === weights));
  const denseInnerFfn = innerFfn && !expertsOnly;
  const blocks: WeightFormat = expertsOnly || denseInnerFfn ? 'bf16' : weights;
  const peaks: DenseTflops = matmulPeaks(device);
  const expertsPath = pathFor(weights, device, engine, engineClass);
  const blocksPath =
    expertsOnly || denseInnerFfn ? pathFor(blocks, device, engine, engineClass) : expertsPath;
  const peakOf = (p: ComputePath) => (p.peakTflops ?? peaks[p.dtype] ?? 0) * 1e12;
  let peakFlops = peakOf(expertsPath);
  if (expertsOnly) {
    const p = countParameters(model.architecture);
    const moe = model.architecture.moe;
    const expertFlops = moe ? p.moeLayers * moe.activeExperts * p.perExpert : 0;
    const blockFlops = Math.max(0, p.activeMatmul - expertFlops);
    peakFlops =
      (expertFlops + blockFlops) / (expertFlops / peakOf(expertsPath) + blockFlops / peakOf(blocksPath));
  }
  const layers = model.architecture.layers;
  // The first and last layers' FFN stay BF16: their bytes enter the average, their FLOPs run at the FFN's
  // FP8 rate (2 of L layers; 1.6% of the FFN of Llama 3.1 405B).
  const innerLayers = Math.max(0, layers - 2);
  const ffnBytes = denseInnerFfn
    ? (innerLayers * (weightFormats[weights].bitsPerWeight / 8) + (layers - innerLayers) * 2) / layers
    : 0;
  if (denseInnerFfn) {
    const p = countParameters(model.architecture);
    const matrices = model.architecture.ffn.type === 'gated' ? 3 : 2;
    const ffnFlops =
      layers * matrices * model.architecture.hiddenSize * model.architecture.ffn.intermediateSize;
    const otherFlops = Math.max(0, p.activeMatmul - ffnFlops);
    peakFlops = (ffnFlops + otherFlops) / (ffnFlops / peakOf(expertsPath) + otherFlops / peakOf(blocksPath));
  }
  const perOp = vectorSecondsPerInstruction(peaks);
  const head = expertsOnly || denseInnerFfn ? 2 : weightFormats[weights].headBitsPerWeight / 8;
  const sixteen = sixteenBitDtype(peaks);
  const headPath: ComputePath =
    head === weightFormats[blocks].bitsPerWeight / 8
      ? blocksPath
      : { dtype: sixteen, native: true, dequantOpsPerWeight: 0, note: `LM head at ${sixteen}` };
  const describe = (f: WeightFormat, p: ComputePath) =>
    p.dequantTileTokens !== undefined || p.peakTflops !== undefined
      ? p.note
      : p.native
        ? `${f} at the ${p.dtype} peak`
        : `${f} unpacked to ${p.dtype} (weight-only)`;
  const note = denseInnerFfn
    ? `FFN of layers 2..${layers - 1} ${describe(weights, expertsPath)}; attention, first and last layers, embeddings and LM head bf16 (Meta's fp8_mixed)`
    : expertsOnly
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
    headPath,
    routerDtype: sixteen,
    peakFlops,
    dequantSecondsPerWeight: blocksPath.dequantOpsPerWeight * perOp,
    expertDequantSecondsPerWeight: expertsPath.dequantOpsPerWeight * perOp,
    // One tile for both groups: only gpt-oss splits formats, and it does so outside llama.cpp's paths.
    dequantTileTokens: expertsPath.dequantTileTokens ?? DEQUANT_TILE_TOKENS,
    note,
    ...(denseInnerFfn
      ? {
          ffn: {
            bytesPerWeight: ffnBytes,
            path: expertsPath,
            dequantSecondsPerWeight: expertsPath.dequantOpsPerWeight * perOp,
          },
        }
      : {}),
  };
}

/**
 * What each operator group runs at, for the kernel: dense peak FLOP/s of its dtype × its path's compute
 * factor, and its path's memory factor on the weight stream (docs/methodology.md "Efficiency by compute
 * path"). Blocks = attention projections, dense FFN and shared experts; attention math at `attentionDtype`.
 */
export interface OperatorRates {
  peakFlops: number;
  expertPeakFlops: number;
  attentionPeakFlops: number;
  headPeakFlops: number;
  routerPeakFlops: number;
  weightMemoryScale: number;
  expertMemoryScale: number;
  headMemoryScale: number;
  /** The dense FFN's peak and weight-stream factor (the blocks' unless the plan gives it its own path). */
  ffnPeakFlops: number;
  ffnMemoryScale: number;
}

/** Each operator group's dense peak (FLOP/s) and compute path, before path factors. */
export interface OperatorPeaks {
  blocks: number;
  experts: number;
  attention: number;
  head: number;
  router: number;
  ffn: number;
  blocksPath: ComputePathId;
  expertsPath: ComputePathId;
  attentionPath: ComputePathId;
  headPath: ComputePathId;
  routerPath: ComputePathId;
  ffnPath: ComputePathId;
}

export function operatorPeaks(
  plan: Pick<FormatPlan, 'blocksPath' | 'expertsPath' | 'headPath' | 'routerDtype' | 'ffn'>,
  attentionDtype: keyof DenseTflops,
  peaks: DenseTflops,
): OperatorPeaks {
  const ffnPath = plan.ffn?.path ?? plan.blocksPath;
  // A path may carry its own peak (llama.cpp's F16 through cuBLAS at the FP16-accumulate rate).
  const peakOf = (p: Pick<ComputePath, 'dtype' | 'peakTflops'>) =>
    (p.peakTflops ?? peaks[p.dtype] ?? 0) * 1e12;
  return {
    blocks: peakOf(plan.blocksPath),
    experts: peakOf(plan.expertsPath),
    attention: peakOf({ dtype: attentionDtype }),
    head: peakOf(plan.headPath),
    router: peakOf({ dtype: plan.routerDtype }),
    ffn: peakOf(ffnPath),
    blocksPath: computePathOf(plan.blocksPath.dtype),
    expertsPath: computePathOf(plan.expertsPath.dtype),
    attentionPath: computePathOf(attentionDtype),
    headPath: computePathOf(plan.headPath.dtype),
    routerPath: computePathOf(plan.routerDtype),
    ffnPath: computePathOf(ffnPath.dtype),
  };
}

/**
 * Writes the operator rates into `into` (the kernel's hardware record): no allocation, as the calibration
 * calls it for every candidate of every point. A weight-only format streams packed weights through a 16-bit
 * GEMM, so its stream takes the 16-bit path's factor.
 */
export function applyPathFactors(
  into: OperatorRates,
  p: OperatorPeaks,
  factors: Readonly<Record<ComputePathId, PathFactor>>,
): void {
  into.peakFlops = p.blocks * factors[p.blocksPath].compute;
  into.expertPeakFlops = p.experts * factors[p.expertsPath].compute;
  into.attentionPeakFlops = p.attention * factors[p.attentionPath].compute;
  into.headPeakFlops = p.head * factors[p.headPath].compute;
  into.routerPeakFlops = p.router * factors[p.routerPath].compute;
  into.weightMemoryScale = factors[p.blocksPath].memory;
  into.expertMemoryScale = factors[p.expertsPath].memory;
  into.headMemoryScale = factors[p.headPath].memory;
  into.ffnPeakFlops = p.ffn * factors[p.ffnPath].compute;
  into.ffnMemoryScale = factors[p.ffnPath].memory;
}

export function operatorRates(
  plan: Pick<FormatPlan, 'blocksPath' | 'expertsPath' | 'headPath' | 'routerDtype' | 'ffn'>,
  attentionDtype: keyof DenseTflops,
  peaks: DenseTflops,
  factors: Readonly<Record<ComputePathId, PathFactor>>,
): OperatorRates {
  const out: OperatorRates = {
    peakFlops: 0,
    expertPeakFlops: 0,
    attentionPeakFlops: 0,
    headPeakFlops: 0,
    routerPeakFlops: 0,
    weightMemoryScale: 1,
    expertMemoryScale: 1,
    headMemoryScale: 1,
    ffnPeakFlops: 0,
    ffnMemoryScale: 1,
  };
  applyPathFactors(out, operatorPeaks(plan, attentionDtype, peaks), factors);
  return out;
}
