import type { Engine } from '../catalog/calibration-schema.ts';
import type { HardwareClass } from '../catalog/schema.ts';
import type { Source } from '../figure/source.ts';

/** Fractions of the dense peak (compute) and of the memory bandwidth (memory) an engine reaches. */
export interface Efficiency {
  compute: number;
  memory: number;
}

export interface EfficiencyEntry extends Efficiency {
  engine: Engine;
  /** Absent for engine-wide values that apply to every hardware class. */
  hardwareClass?: HardwareClass;
  /** How the values were obtained: a literature prior, or a fit over named calibration points. */
  origin: 'prior' | 'fitted';
  points: string[];
  sources: Source[];
  note: string;
}

const mbuSource: Source = {
  title: 'Databricks, "LLM Inference Performance Engineering: Best Practices" (model bandwidth utilization)',
  url: 'https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices',
  date: '2023-10',
};
const llmAnalysisSource: Source = {
  title: 'cli99/llm-analysis README: flops and memory efficiency defaults',
  url: 'https://github.com/cli99/llm-analysis',
  date: '2024-11',
};
const llmfitSource: Source = {
  title: 'AlexsJones/llmfit: llama.cpp-class bandwidth efficiency default 0.55',
  url: 'https://github.com/AlexsJones/llmfit',
  date: '2025-06',
};

/**
 * Literature priors per engine class. The calibration fit starts from these and keeps them where the
 * measurements cannot tell (e.g. compute efficiency from memory-bound decode points alone).
 */
export const efficiencyPriors: Record<Engine, EfficiencyEntry> = {
  tuned: {
    engine: 'tuned',
    compute: 0.6,
    memory: 0.8,
    origin: 'prior',
    points: [],
    sources: [mbuSource, llmAnalysisSource],
    note: 'tuned serving engines (TensorRT-LLM, vLLM, SGLang): ~80% MBU, 50-70% of dense peak on large GEMMs',
  },
  llamacpp: {
    engine: 'llamacpp',
    compute: 0.35,
    memory: 0.55,
    origin: 'prior',
    points: [],
    sources: [llmfitSource],
    note: 'llama.cpp-class runtimes: quantized kernels, 55% of bandwidth; compute prior is an assumption',
  },
  pytorch: {
    engine: 'pytorch',
    compute: 0.4,
    memory: 0.45,
    origin: 'prior',
    points: [],
    sources: [llmAnalysisSource],
    note: 'plain PyTorch/Transformers eager decoding: kernel-launch bound at small batch (assumption)',
  },
};

export interface EfficiencyTable {
  entries: EfficiencyEntry[];
}

/** Most specific entry: (hardware class, engine) fit, then engine-wide fit, then the prior. */
export function efficiencyFor(
  table: EfficiencyTable,
  hardwareClass: HardwareClass,
  engine: Engine,
): EfficiencyEntry {
  return (
    table.entries.find((e) => e.engine === engine && e.hardwareClass === hardwareClass) ??
    table.entries.find((e) => e.engine === engine && e.hardwareClass === undefined) ??
    efficiencyPriors[engine]
  );
}

export const priorTable: EfficiencyTable = { entries: Object.values(efficiencyPriors) };
