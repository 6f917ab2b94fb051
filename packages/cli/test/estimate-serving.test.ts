import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const deepseek = ['estimate', 'infer', '--model', 'deepseek-r1', '--hardware', 'h200', '--count', '8'];

describe('clearbox estimate infer: the serving curve', () => {
  it('prints the curve table at the given concurrencies', async () => {
    const r = await run(...deepseek, '--weights', 'fp8', '--concurrency', '1,4,16,64');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/serving curve \(continuous batching, 8192-token step budget\):/);
    const rows = r.out.split('\n').filter((l) => /^\s+\d+\s+\d+\s/.test(l));
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([1, 4, 16, 64]);
  });

  it('--json adds curve[] in plain numbers and keeps every existing field', async () => {
    const r = await run(...deepseek, '--weights', 'fp8', '--ep', '8', '--concurrency', '1,64', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    for (const key of ['fits', 'batch', 'memory', 'ttftSeconds', 'tpotSeconds', 'throughput', 'efficiency'])
      expect(json).toHaveProperty(key);
    expect(json.curve).toHaveLength(2);
    for (const p of json.curve) {
      for (const key of [
        'concurrency',
        'perUserTokensPerSecond',
        'outputTokensPerSecondPerDevice',
        'ttftSeconds',
        'tpotSeconds',
      ])
        expect(typeof p[key]).toBe('number');
    }
    expect(json.curve[1].outputTokensPerSecondPerDevice).toBeGreaterThan(
      json.curve[0].outputTokensPerSecondPerDevice,
    );
    expect(json.serving.points[0].tpotSeconds.formula).toMatch(/decode step/);
  });

  it('--mtp shows its acceptance and tokens per step in the curve', async () => {
    const off = JSON.parse((await run(...deepseek, '--weights', 'fp8', '--concurrency', '1', '--json')).out);
    const r = await run(...deepseek, '--weights', 'fp8', '--concurrency', '1', '--mtp', '0.85');
    expect(r.code).toBe(0);
    expect(r.out).toContain('MTP acceptance 0.85: 1.85 tokens per step');
    const on = JSON.parse(
      (await run(...deepseek, '--weights', 'fp8', '--concurrency', '1', '--mtp', '0.85', '--json')).out,
    );
    expect(on.curve[0].perUserTokensPerSecond).toBeGreaterThan(1.5 * off.curve[0].perUserTokensPerSecond);
  });

  it('--explain shows each point with the bound of its decode step', async () => {
    const r = await run(...deepseek, '--weights', 'fp8', '--concurrency', '1,32', '--explain');
    expect(r.code).toBe(0);
    expect(r.out).toContain('curve at concurrency 32:');
    expect(r.out).toMatch(/decodeBound = (memory|compute|communication)/);
  });

  it.each([
    [['--concurrency', '0'], '--concurrency'],
    [['--concurrency', '1,x'], '--concurrency'],
    [['--concurrency', '2.5'], '--concurrency'],
    [['--mtp', '1.5'], '--mtp'],
    [['--mtp', 'high'], '--mtp'],
    [['--ep', '3'], '--ep'],
    [['--count', '6', '--ep', '3'], '--ep'],
    [['--attention-dp', '3'], '--attention-dp'],
    [['--attention-dp', 'all'], '--attention-dp'],
  ])('bad input %j: exit 2, one line naming %s', async (flags, flag) => {
    const r = await run(...deepseek, ...flags);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(flag);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('clearbox estimate infer --engine-release', () => {
  it('--json reports the release and the kernel paths it runs; --explain names them with their priors', async () => {
    const r = await run(...deepseek, '--engine', 'sglang', '--engine-release', '0.4.3.post2', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.engineRelease.version).toBe('0.4.3.post2');
    expect(json.engineRelease.reference).toBe(false);
    // DeepSeek-R1's default weights are block-scaled FP8, which that release multiplied with its Triton kernel.
    expect(json.engineRelease.paths.map((p: { id: string }) => p.id)).toEqual([
      'triton-mla-decode',
      'triton-block-fp8',
    ]);
    const explained = await run(
      ...deepseek,
      '--engine',
      'sglang',
      '--engine-release',
      '0.4.3.post2',
      '--explain',
    );
    expect(explained.code).toBe(0);
    expect(explained.out).toMatch(
      /engine release: sglang 0\.4\.3\.post2 \(constants fitted for the reference release/,
    );
    expect(explained.out).toMatch(/attention +triton-mla-decode: .*× 0\.917 compute, × 0\.917 memory/);
    expect(explained.out).toMatch(/blocks +triton-block-fp8: .*× 0\.517 compute, × 0\.924 memory/);
  });

  it('defaults to the newest release the data knows for the class', async () => {
    const r = await run(...deepseek, '--engine', 'sglang', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).engineRelease).toMatchObject({ version: '0.5.9', reference: true });
  });

  it('an unknown version exits 2 with one line naming the flag and the known versions', async () => {
    const r = await run(...deepseek, '--engine', 'sglang', '--engine-release', '0.4.4');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--engine-release/);
    expect(r.err).toMatch(/known: 0\.4\.3\.post2, .*0\.5\.7, 0\.5\.9$/m);
  });
});
