import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clearbox-npm-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function servingUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const url = /serving (http:\/\/[^\s]+)/.exec(err)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before serving: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('npm start', () => {
  it('stops the server when a process manager sends SIGTERM to npm', async () => {
    const child = spawn('npm', ['start'], {
      cwd: repo,
      env: {
        ...process.env,
        PORT: '0',
        CLEARBOX_DB: join(work, 'store.db'),
        CLEARBOX_SKIP_WEB_BUILD: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await servingUrl(child);
      expect((await fetch(`${url}/api/catalog/hardware`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      // npm, the shell, tsx and the server itself are gone: nothing answers on the port any more.
      await expect(fetch(`${url}/api/catalog/hardware`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
