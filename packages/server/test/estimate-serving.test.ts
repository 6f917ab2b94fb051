import { bufferIo, main } from '@clearbox/cli';
import { describe, expect, it } from 'vitest';
import { jsonBody, testApp } from './helpers.ts';

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('POST /api/estimate/infer: the serving curve', () => {
  const { app } = testApp();

  it('takes ep, concurrency and mtpAcceptance and answers the same JSON as the CLI', async () => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({
        model: 'deepseek-r1',
        hardware: 'h200',
        count: 8,
        weights: 'fp8',
        expertParallel: 8,
        concurrency: [1, 4, 16, 64],
        mtpAcceptance: 0.85,
      }),
    );
    expect(res.status).toBe(200);
    const fromCli = await cli(
      'estimate',
      'infer',
      '--model',
      'deepseek-r1',
      '--hardware',
      'h200',
      '--count',
      '8',
      '--weights',
      'fp8',
      '--ep',
      '8',
      '--concurrency',
      '1,4,16,64',
      '--mtp',
      '0.85',
      '--json',
    );
    expect(fromCli.code).toBe(0);
    const json = (await res.json()) as { curve: Array<{ concurrency: number }> };
    expect(json).toEqual(JSON.parse(fromCli.out));
    expect(json.curve.map((p) => p.concurrency)).toEqual([1, 4, 16, 64]);
  });

  it('takes engineRelease as the CLI takes --engine-release', async () => {
    const body = { model: 'deepseek-r1', hardware: 'h200', count: 8, engine: 'sglang', concurrency: [4] };
    const res = await app.request('/api/estimate/infer', jsonBody({ ...body, engineRelease: '0.4.3.post2' }));
    expect(res.status).toBe(200);
    const fromCli = await cli(
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
      '--concurrency',
      '4',
      '--engine-release',
      '0.4.3.post2',
      '--json',
    );
    expect(fromCli.code).toBe(0);
    const json = (await res.json()) as { engineRelease: { version: string } };
    expect(json).toEqual(JSON.parse(fromCli.out));
    expect(json.engineRelease.version).toBe('0.4.3.post2');
  });

  it('takes eager as the CLI takes --eager: the decode step pays the host launch floor', async () => {
    const body = { model: 'llama-3.1-405b', hardware: 'mi300x', count: 8, weights: 'fp8', concurrency: [4] };
    const graphs = await app.request('/api/estimate/infer', jsonBody(body));
    const res = await app.request('/api/estimate/infer', jsonBody({ ...body, eager: true }));
    expect(res.status).toBe(200);
    const fromCli = await cli(
      'estimate',
      'infer',
      ...['--model', 'llama-3.1-405b', '--hardware', 'mi300x', '--count', '8', '--weights', 'fp8'],
      ...['--concurrency', '4', '--eager', '--json'],
    );
    expect(fromCli.code).toBe(0);
    type Curve = { curve: Array<{ tpotSeconds: number }> };
    const json = (await res.json()) as Curve;
    expect(json).toEqual(JSON.parse(fromCli.out));
    // 126 layers at vllm-rocm's 0.3 ms of eager launch each: a 37.8 ms floor above the graph-captured step.
    expect(json.curve[0]?.tpotSeconds).toBeGreaterThan(
      ((await graphs.json()) as Curve).curve[0]?.tpotSeconds ?? 1,
    );
    expect(json.curve[0]?.tpotSeconds).toBeGreaterThanOrEqual(126 * 0.0003);
  });

  it('takes attentionDataParallel as the CLI takes --attention-dp', async () => {
    const body = { model: 'qwen3-235b-a22b', hardware: 'h200', count: 8, weights: 'fp8', expertParallel: 8 };
    const res = await app.request('/api/estimate/infer', jsonBody({ ...body, attentionDataParallel: 8 }));
    expect(res.status).toBe(200);
    const fromCli = await cli(
      'estimate',
      'infer',
      '--model',
      'qwen3-235b-a22b',
      '--hardware',
      'h200',
      '--count',
      '8',
      '--weights',
      'fp8',
      '--ep',
      '8',
      '--attention-dp',
      '8',
      '--json',
    );
    expect(fromCli.code).toBe(0);
    expect(await res.json()).toEqual(JSON.parse(fromCli.out));
  });

  it.each([
    [{ concurrency: [0] }, 'concurrency'],
    [{ concurrency: [1.5] }, 'concurrency'],
    [{ mtpAcceptance: 1.5 }, 'mtpAcceptance'],
    [{ expertParallel: 3 }, '--ep'],
    [{ attentionDataParallel: 3 }, '--attention-dp'],
    [{ attentionDataParallel: 0 }, 'attentionDataParallel'],
    [{ engine: 'sglang', engineRelease: '0.4.4' }, '--engine-release'],
    [{ engineRelease: '' }, 'engineRelease'],
  ])('rejects %j naming the field', async (extra, field) => {
    const res = await app.request(
      '/api/estimate/infer',
      jsonBody({ model: 'deepseek-r1', hardware: 'h200', count: 8, ...extra }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain(field);
  });
});
