import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

const bin = fileURLToPath(new URL('../bin/clearbox.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the real binary; resolves once it prints the address it serves. */
function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  return new Promise<{ child: ChildProcess; url: string; stdout: () => string }>((done, fail) => {
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      const url = /serving (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) done({ child, url, stdout: () => stdout });
    });
    child.once('exit', (code) => fail(new Error(`exit ${code}: ${stderr}`)));
  });
}

describe('clearbox serve', () => {
  it('serves the API on the --db store (created with its folder), logs JSON lines, stops on SIGTERM', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'clearbox-serve-')), 'new-folder', 'c.db');
    const { child, url, stdout } = await serve(['--port', '0', '--db', db]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(db)).toBe(true);
    const res = await fetch(`${url}/api/estimate/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-v3', hardware: 'h800', gpuHours: 2.788e6 }),
    });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout().trim().split('\n')[0] ?? '')).toMatchObject({
      method: 'POST',
      path: '/api/estimate/train',
      status: 200,
    });
  });

  it('takes PORT and CLEARBOX_DB from the environment when no flag is given', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'clearbox-serve-')), 'env.db');
    const { url } = await serve([], { PORT: '0', CLEARBOX_DB: db, HOST: '127.0.0.1' });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(existsSync(db)).toBe(true);
  });

  it('refuses to bind beyond loopback without CLEARBOX_TOKEN: exit 2 and one line', async () => {
    const io = bufferIo();
    const saved = process.env.CLEARBOX_TOKEN;
    delete process.env.CLEARBOX_TOKEN;
    const code = await main(['serve', '--host', '0.0.0.0', '--port', '0', '--db', ':memory:'], io);
    if (saved !== undefined) process.env.CLEARBOX_TOKEN = saved;
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/^clearbox: error: --host: binding to 0\.0\.0\.0 .*CLEARBOX_TOKEN.*\n$/);
  });

  it('names a bad --port', async () => {
    const io = bufferIo();
    expect(await main(['serve', '--port', 'http'], io)).toBe(2);
    expect(io.stderr()).toMatch(/^clearbox: error: --port: expected a number/);
  });
});
