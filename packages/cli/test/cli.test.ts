import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyLlamaQ4_0, writeGguf } from '../../core/test/gguf-fixture.ts';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const tmp = mkdtempSync(join(tmpdir(), 'clearbox-cli-'));

describe('clearbox estimate train', () => {
  it('DeepSeek-V3 on H800 at 2.788M GPU-hours: ~3.3e24 FLOPs, implied MFU against BF16 and FP8 dense peaks', async () => {
    const r = await run(
      'estimate',
      'train',
      '--model',
      'deepseek-v3',
      '--hardware',
      'h800',
      '--gpu-hours',
      '2788000',
      '--json',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    for (const key of [
      'flops',
      'gpuHours',
      'mfu',
      'peakFlops',
      'wallClockDays',
      'costUsd',
      'energyMWh',
      'memoryPerGpuBytes',
    ]) {
      expect(typeof json[key].value, key).toBe('number');
    }
    expect(json.flops.value).toBeGreaterThan(3.2e24);
    expect(json.flops.value).toBeLessThan(3.4e24);
    expect(json.peakFlops.name).toContain('bf16, dense');
    expect(json.mfuByDtype.bf16.value).toBeCloseTo(0.327, 2);
    expect(json.mfuByDtype.fp8.value).toBeCloseTo(0.164, 2);
  });

  it('human output names both peaks; --explain prints the derivation', async () => {
    const r = await run(
      'estimate',
      'train',
      '--model',
      'deepseek-v3',
      '--hardware',
      'h800',
      '--gpu-hours',
      '2.788M',
      '--explain',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bf16 32\.\d%.*fp8 16\.\d%/);
    expect(r.out).toContain('implied MFU = FLOPs / (GPU-hours · 3600 · dense peak)');
    expect(r.out).toContain('6 · N_active · D');
  });

  it('--mfu gives GPU-hours; --days with --count gives GPU-hours = days · 24 · count', async () => {
    const a = JSON.parse(
      (
        await run(
          'estimate',
          'train',
          '--model',
          'llama-2-7b',
          '--hardware',
          'a100',
          '--mfu',
          '0.4',
          '--json',
        )
      ).out,
    );
    expect(a.gpuHours.value).toBeCloseTo(a.flops.value / (312e12 * 0.4) / 3600, 0);
    const b = JSON.parse(
      (
        await run(
          'estimate',
          'train',
          '--model',
          'deepseek-v3',
          '--hardware',
          'h800',
          '--days',
          '56',
          '--count',
          '2048',
          '--json',
        )
      ).out,
    );
    expect(b.gpuHours.value).toBe(56 * 24 * 2048);
  });
});

describe('clearbox estimate infer', () => {
  it('--weights fp8_block names block-scaled FP8, and an older SGLang release runs it through its Triton kernel', async () => {
    const infer = async (weights: string, release: string) => {
      const r = await run(
        'estimate',
        'infer',
        '--model',
        'deepseek-r1',
        '--hardware',
        'h200',
        '--count',
        '8',
        '--engine',
        'sglang',
        '--engine-release',
        release,
        '--weights',
        weights,
        '--batch',
        '32',
        '--json',
      );
      expect(r.code).toBe(0);
      return JSON.parse(r.out);
    };
    const block = await infer('fp8_block', '0.4.3.post2');
    const tensor = await infer('fp8', '0.4.3.post2');
    expect(block.ttftSeconds.value).toBeGreaterThan(tensor.ttftSeconds.value);
    expect(JSON.stringify(block)).toContain('triton-block-fp8');
    expect(JSON.stringify(tensor)).not.toContain('triton-block-fp8');
  });

  it('reports the JSON contract, with MLA KV cache of 70,272 B/token in BF16', async () => {
    const r = await run(
      'estimate',
      'infer',
      '--model',
      'deepseek-v3',
      '--hardware',
      'h200',
      '--count',
      '8',
      '--weights',
      'fp8',
      '--batch',
      '32',
      '--json',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.fits).toBe(true);
    expect(json.batch.value).toBe(32);
    expect(['compute', 'memory', 'communication', 'offload']).toContain(json.bound);
    for (const key of ['weightsBytes', 'kvCacheBytes', 'totalBytes', 'capacityBytes'])
      expect(typeof json.memory[key].value).toBe('number');
    for (const key of ['ttftSeconds', 'tpotSeconds', 'usdPerMillionOutputTokens'])
      expect(json[key].value).toBeGreaterThan(0);
    expect(json.throughput.outputTokensPerSecond.value).toBeGreaterThan(
      json.throughput.perUserTokensPerSecond.value,
    );
    const kvPerToken = json.memory.kvCacheBytes.inputs.find(
      (i: { name: string }) => i.name === 'kvBytesPerToken',
    );
    expect(kvPerToken.value).toBe(70_272);
  });

  it('--batch max finds the largest batch that fits', async () => {
    const json = JSON.parse(
      (
        await run(
          'estimate',
          'infer',
          '--model',
          'llama-3.1-8b',
          '--hardware',
          'rtx-4090',
          '--weights',
          'q4_k_m',
          '--engine',
          'llamacpp',
          '--batch',
          'max',
          '--json',
        )
      ).out,
    );
    expect(json.fits).toBe(true);
    expect(json.batch.value).toBeGreaterThan(1);
    expect(json.memory.totalBytes.value).toBeLessThanOrEqual(json.memory.capacityBytes.value);
  });

  it('offload: a 70B model streamed from NVMe on a 24 GB card', async () => {
    const r = await run(
      'estimate',
      'infer',
      '--model',
      'llama-3.1-70b',
      '--hardware',
      'rtx-4090',
      '--offload',
      'stream:nvme',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('fits: yes');
    expect(r.out).toContain('bound: offload');
  });

  it('reads a Hugging Face config.json and a device YAML given as paths', async () => {
    const config = join(tmp, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        model_type: 'llama',
        _name_or_path: 'acme/tiny-llama',
        hidden_size: 2048,
        intermediate_size: 5632,
        num_hidden_layers: 22,
        num_attention_heads: 32,
        num_key_value_heads: 4,
        vocab_size: 32000,
        max_position_embeddings: 2048,
        tie_word_embeddings: false,
      }),
    );
    const device = join(tmp, 'device.yaml');
    writeFileSync(
      device,
      [
        'id: my-gpu',
        'name: My GPU',
        'vendor: Acme',
        'class: consumer-gpu',
        'compute: { denseTflops: { fp16: 100, bf16: 100 }, source: { title: spec sheet, date: 2026-01 } }',
        'memory: { capacityGB: 16, bandwidthGBs: 500, source: { title: spec sheet, date: 2026-01 } }',
        'power: { tdpWatts: 200, source: { title: spec sheet, date: 2026-01 } }',
        '',
      ].join('\n'),
    );
    const r = await run(
      'estimate',
      'infer',
      '--model',
      config,
      '--hardware',
      device,
      '--usd-per-hour',
      '0.5',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.hardware).toBe('my-gpu');
    expect(json.memory.capacityBytes.value).toBe(16e9);
  });

  it('reads a GGUF header (architecture and quantization) without loading weights', async () => {
    const path = join(tmp, 'tiny.gguf');
    writeFileSync(path, writeGguf(tinyLlamaQ4_0()).bytes);
    const r = await run(
      'estimate',
      'infer',
      '--model',
      path,
      '--hardware',
      'rtx-3090',
      '--engine',
      'llamacpp',
      '--input',
      '64',
      '--output',
      '16',
      '--json',
    );
    expect(r.err).toBe('');
    const json = JSON.parse(r.out);
    expect(json.weights).toBe('q4_0');
  });
});

describe('bad input: exit 2 and one line, never a stack trace', () => {
  it('unknown model lists the closest ids', async () => {
    const r = await run('estimate', 'infer', '--model', 'deepseek-v9', '--hardware', 'h100');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/unknown model "deepseek-v9"; closest: .*deepseek-v3/);
  });

  it('a malformed number names its flag', async () => {
    const r = await run(
      'estimate',
      'train',
      '--model',
      'llama-2-7b',
      '--hardware',
      'a100',
      '--gpu-hours',
      'lots',
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('--gpu-hours');
  });

  it('an unknown option is a usage error', async () => {
    const r = await run('estimate', 'infer', '--model', 'llama-2-7b', '--hardware', 'a100', '--frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option');
  });

  it('a broken hardware file names the file, line and field', async () => {
    const device = join(tmp, 'broken.yaml');
    writeFileSync(
      device,
      [
        'id: broken',
        'name: Broken',
        'vendor: Acme',
        'class: consumer-gpu',
        'compute: { denseTflops: { bf16: 100 }, source: { title: s, date: 2026-01 } }',
        'memory: { capacityGB: -16, bandwidthGBs: 500, source: { title: s, date: 2026-01 } }',
        'power: { tdpWatts: 200, source: { title: s, date: 2026-01 } }',
        '',
      ].join('\n'),
    );
    const r = await run('estimate', 'infer', '--model', 'llama-2-7b', '--hardware', device);
    expect(r.code).toBe(2);
    expect(r.err).toContain('broken.yaml');
    expect(r.err).toContain('memory.capacityGB');
  });

  it('a missing file says so', async () => {
    const r = await run('estimate', 'infer', '--model', join(tmp, 'nope.json'), '--hardware', 'h100');
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.json');
    expect(r.err).not.toContain('    at ');
  });
});

describe('clearbox catalog and validate', () => {
  it('lists hardware with dense peaks and models with computed parameters', async () => {
    const hw = await run('catalog', 'hardware');
    expect(hw.out).toMatch(/h100-sxm\s+datacenter-gpu\s+989\.5\s+1,979/);
    const models = JSON.parse((await run('catalog', 'models', '--json')).out);
    const v3 = models.find((m: { id: string }) => m.id === 'deepseek-v3');
    expect(Math.round(v3.computed.totalParams / 1e9)).toBe(671);
    expect(Math.round(v3.computed.activeMatmulParams / 1e9)).toBe(37);
    expect(v3.computed.activeParams / 1e9).toBeCloseTo(37.5, 0);
  });

  it('validate: reports leave-one-family-out error per family and class, flagging families above 30%', async () => {
    const r = await run('validate', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    const s = report.summary;
    expect(s.inferencePoints).toBeGreaterThanOrEqual(25);
    for (const c of report.inference) expect(c.source.title.length).toBeGreaterThan(0);
    // Accuracy itself is a reported figure (targets are checked by reading validate, not by tests).
    const lofo = report.familyHeldOut;
    expect(lofo.points).toHaveLength(s.inferencePoints);
    expect(lofo.families).toHaveLength(s.inferenceFamilies);
    expect(s.inferenceMedianAbsErrorFamilyHeldOut).toBe(lofo.overall.medianAbsError);
    expect(Number.isFinite(s.inferenceMedianAbsErrorFamilyHeldOut)).toBe(true);
    const flagged = lofo.families.filter((f: { medianAbsError: number }) => f.medianAbsError > 0.3);
    expect(s.inferenceFlaggedFamilies).toEqual(flagged.map((f: { family: string }) => f.family));
    const classPoints = lofo.classes.reduce((n: number, c: { points: number }) => n + c.points, 0);
    expect(classPoints).toBe(s.inferencePoints);
    const text = await run('validate');
    expect(text.out).toContain('leave-one-family-out');
    expect(text.out).toContain('Leave-one-family-out by class');
    // Two full validations (one refit per family each) on a shared 2-core machine: a generous limit, not a speed target
    // (190 s was seen at load 17 while six sessions shared the machine; each fit now also fits the software-
    // maturity slope, 1.9x the CPU: one validate took 324 s at load 11).
  }, 600_000);
});

describe('the clearbox binary', () => {
  it('runs from the repository through its bin script', () => {
    const bin = new URL('../bin/clearbox.js', import.meta.url).pathname;
    const out = execFileSync(process.execPath, [bin, 'catalog', 'models'], { encoding: 'utf8' });
    expect(out).toContain('deepseek-v3');
    const bad = spawnSync(
      process.execPath,
      [bin, 'estimate', 'infer', '--model', 'nope', '--hardware', 'h100'],
      { encoding: 'utf8' },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^clearbox: error: unknown model "nope"/);
  });
});
