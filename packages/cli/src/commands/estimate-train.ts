import {
  checkOptions,
  createEstimator,
  type TrainingEstimate,
  type TrainingOptions,
  trainingOptionFlags,
  trainingOptionsSchema,
} from '@clearbox/core';
import { loadShippedCalibration } from '@clearbox/store';
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseChoice, parseInteger, parseNumber } from '../options.ts';
import { explainAll, humanFigure } from '../render/figures.ts';
import { catalogWithUserInputs } from '../user-inputs.ts';

interface Flags {
  model: string;
  hardware: string;
  tokens?: string;
  count?: string;
  dtype?: string;
  mfu?: string;
  gpuHours?: string;
  days?: string;
  usdPerGpuHour?: string;
  seq?: string;
  tp?: string;
  pp?: string;
  ep?: string;
  zero?: string;
  microBatch?: string;
  pue?: string;
  grid?: string;
  json?: boolean;
  explain?: boolean;
}

export function trainingOptions(flags: Flags, model: string, hardware: string): TrainingOptions {
  const o: TrainingOptions = { model, hardware };
  if (flags.tokens !== undefined) o.tokens = parseNumber('--tokens', flags.tokens);
  if (flags.count !== undefined) o.count = parseInteger('--count', flags.count);
  if (flags.dtype !== undefined)
    o.dtype = parseChoice('--dtype', flags.dtype, ['bf16', 'fp16', 'fp8'] as const);
  if (flags.mfu !== undefined) o.mfu = parseNumber('--mfu', flags.mfu);
  if (flags.gpuHours !== undefined) o.gpuHours = parseNumber('--gpu-hours', flags.gpuHours);
  if (flags.days !== undefined) o.days = parseNumber('--days', flags.days);
  if (flags.usdPerGpuHour !== undefined)
    o.usdPerGpuHour = parseNumber('--usd-per-gpu-hour', flags.usdPerGpuHour);
  if (flags.seq !== undefined) o.sequenceLength = parseInteger('--seq', flags.seq);
  if (flags.tp !== undefined) o.tensorParallel = parseInteger('--tp', flags.tp);
  if (flags.pp !== undefined) o.pipelineParallel = parseInteger('--pp', flags.pp);
  if (flags.ep !== undefined) o.expertParallel = parseInteger('--ep', flags.ep);
  if (flags.zero !== undefined)
    o.zeroStage = Number(parseChoice('--zero', flags.zero, ['0', '1', '2', '3'] as const)) as 0 | 1 | 2 | 3;
  if (flags.microBatch !== undefined) o.microBatch = parseInteger('--micro-batch', flags.microBatch);
  if (flags.pue !== undefined) o.pue = parseNumber('--pue', flags.pue);
  if (flags.grid !== undefined) o.gridKgCo2PerKwh = parseNumber('--grid', flags.grid);
  checkOptions(trainingOptionsSchema, o, trainingOptionFlags);
  return o;
}

export function renderTraining(e: TrainingEstimate): string {
  const mfus = Object.entries(e.mfuByDtype)
    .map(([dtype, f]) => `${dtype} ${humanFigure(f)}`)
    .join(', ');
  const lines = [
    `${e.model} trained on ${e.hardware} (${e.dtype}, ${e.mode === 'mfu' ? 'MFU given' : `${e.mode} given`})`,
    `FLOPs: ${humanFigure(e.flops)} (6·N_active·D); with attention scores ${humanFigure(e.flopsWithAttention)}`,
    `peak: ${humanFigure(e.peakFlops)} per GPU (${e.dtype}, dense)`,
    `GPU-hours: ${humanFigure(e.gpuHours)}   MFU: ${humanFigure(e.mfu)}   implied MFU by dense peak: ${mfus}`,
    `wall clock: ${humanFigure(e.wallClockDays)} on ${e.count.value} GPUs`,
    `cost (rental basis, this run only): ${humanFigure(e.costUsd)}`,
    `energy: ${humanFigure(e.energyMWh)}   emissions: ${humanFigure(e.emissionsTonnesCo2)}`,
    `memory per GPU: ${humanFigure(e.memoryPerGpuBytes)}   minimum GPUs that fit: ${e.minGpusToFit.value}`,
  ];
  for (const w of e.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export function registerEstimateTrain(parent: Command, io: Io): void {
  parent
    .command('train')
    .description('training FLOPs, GPU-hours, implied MFU, cost, energy and memory per GPU')
    .requiredOption('--model <id|path>', 'catalog model id, or a config.json / .gguf / model YAML file')
    .requiredOption('--hardware <id|path>', 'catalog hardware id, or a device YAML file')
    .option('--tokens <n>', "training tokens (default: the model's disclosed tokens), e.g. 14.8T")
    .option('--count <n>', 'GPUs (default: the fewest whole 8-GPU servers that fit the fully sharded state)')
    .option('--dtype <bf16|fp16|fp8>', 'precision whose dense peak MFU is measured against (default bf16)')
    .option('--mfu <x>', 'model FLOPs utilization, 0-1 (default: calibrated from training disclosures)')
    .option('--gpu-hours <h>', 'claimed GPU-hours: gives the implied MFU')
    .option('--days <d>', 'wall-clock days on --count GPUs: gives GPU-hours and the implied MFU')
    .option('--usd-per-gpu-hour <usd>', 'rental price (default: catalog rental midpoint)')
    .option('--seq <n>', "training sequence length (default: the model's, else 4096)")
    .option('--tp <n>', 'tensor parallel (default 1)')
    .option('--pp <n>', 'pipeline parallel (default 1)')
    .option('--ep <n>', 'expert parallel (default 1)')
    .option('--zero <0|1|2|3>', 'ZeRO stage (default: the lowest that fits)')
    .option('--micro-batch <n>', 'micro-batch size in sequences (default 1)')
    .option('--pue <x>', 'power usage effectiveness (default 1.1)')
    .option('--grid <kg>', 'grid intensity, kgCO2e per kWh (default 0.46)')
    .option('--json', 'print JSON (every number a Figure with .value)')
    .option('--explain', 'print the derivation tree of every figure')
    .action((flags: Flags) => {
      const inputs = catalogWithUserInputs(flags.model, flags.hardware);
      const estimator = createEstimator(inputs.catalog, loadShippedCalibration);
      const result = estimator.training(
        trainingOptions(flags, inputs.model ?? flags.model, inputs.hardware ?? flags.hardware),
      );
      if (flags.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
      else io.out(renderTraining(result));
      if (flags.explain) io.out(`\n${explainAll(result)}\n`);
    });
}
