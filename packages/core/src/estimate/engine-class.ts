import type { Engine } from '../catalog/calibration-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { EngineClass, EngineClassId } from '../catalog/engine-schema.ts';
import type { Device } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';

type Rule = NonNullable<EngineClass['defaultFor']>[number];

/** How specifically a rule names a device: by id (3), vendor and class (2), vendor or class (1), anything (0); -1 = no match. */
function ruleScore(rule: Rule, device: Device): number {
  if (rule.devices?.includes(device.id)) return 3;
  if (rule.devices) return -1;
  const vendor = rule.vendors === undefined ? undefined : rule.vendors.includes(device.vendor);
  const cls = rule.classes === undefined ? undefined : rule.classes.includes(device.class);
  if (vendor === false || cls === false) return -1;
  return (vendor ? 1 : 0) + (cls ? 1 : 0);
}

/**
 * The engine class an `--engine` value stands for on a device: a class names itself; an alias (`tuned`,
 * `llamacpp`, `pytorch`) resolves to the class whose `defaultFor` rule names the device most specifically.
 */
export function resolveEngineClass(catalog: Catalog, engine: Engine, device: Device): EngineClass {
  if (engine !== 'llamacpp' && engine !== 'pytorch') {
    const own = catalog.engines.find((e) => e.id === engine);
    if (engine !== 'tuned') {
      if (own) return own;
      throw new InputError(`the catalog has no engine class "${engine}" (data/engines)`, '--engine');
    }
  }
  let best: EngineClass | undefined;
  let bestScore = -1;
  for (const e of catalog.engines) {
    for (const rule of e.defaultFor ?? []) {
      if (rule.alias !== engine) continue;
      const score = ruleScore(rule, device);
      if (score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
  }
  if (best) return best;
  throw new InputError(`the catalog names no default "${engine}" engine class for ${device.id}`, '--engine');
}

/** The class id an engine value resolves to on a device (calibration points group by it). */
export function engineClassIdOf(catalog: Catalog, engine: Engine, device: Device): EngineClassId {
  return resolveEngineClass(catalog, engine, device).id;
}

/**
 * Host time per layer when an engine that captures decode steps in graphs runs without them (`eager`: vLLM
 * `--enforce-eager`): every kernel of every step is issued from Python, and the step takes the longer of the
 * host and the device, as the `pytorch-eager` class's does. The prior is the gap our H200 measured between the
 * same decoder launched eagerly and in a CUDA graph (shared reference h200-measurements.md: 18.21 vs 5.75 ms
 * at batch 1, 17.72 ms eager at batch 64: host-bound, 0.56 ms a layer, `pytorch-eager` hostLayerSeconds minus
 * `pytorch-graph`'s 0) as the class writes it for its own eagerly launched passes (its `prefillHostLayerSeconds`
 * prior in data/engines, never the fitted value: for vLLM and TensorRT-LLM 0.3 ms, about half the plain
 * decoder's, their fused kernels launching fewer per layer); a class that writes none takes the plain decoder's.
 */
export function eagerHostLayerSeconds(catalog: Catalog, engineClass: EngineClass): number {
  const eager = catalog.engines.find((e) => e.id === 'pytorch-eager')?.hostLayerSeconds ?? 0;
  const graph = catalog.engines.find((e) => e.id === 'pytorch-graph')?.hostLayerSeconds ?? 0;
  return Math.max(engineClass.hostLayerSeconds, engineClass.prefillHostLayerSeconds ?? eager - graph);
}
