import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin/clearbox.js');
const estimateArgs = ['estimate', 'infer', '--model', 'llama-3.1-8b', '--hardware', 'h100', '--json'];

async function inProcess(...args: string[]): Promise<{ code: number; out: string }> {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, out: io.stdout() };
}

function viaBin(args: string[], env: NodeJS.ProcessEnv = {}, binPath = bin) {
  return spawnSync(process.execPath, [binPath, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('the bundled CLI (bin/clearbox.js)', () => {
  it('prints what the TypeScript sources print, through the bundle and through tsx', async () => {
    const expected = await inProcess(...estimateArgs);
    const bundled = viaBin(estimateArgs);
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toBe(expected.out);
    const fromSource = viaBin(estimateArgs, { CLEARBOX_FROM_SOURCE: '1' });
    expect(fromSource.stdout).toBe(expected.out);
    // The bundle exists for the sources on disk (the prepare step or the first start built it).
    expect(readdirSync(join(cliDir, 'dist')).some((f) => /^clearbox-[a-z0-9]+-[a-z0-9]+\.js$/.test(f))).toBe(
      true,
    );
  });

  it('loads only the command it runs, and every command for help', async () => {
    expect(viaBin(['--version']).stdout.trim()).toBe('0.1.0');
    const help = viaBin(['--help']);
    expect(help.status).toBe(0);
    for (const command of [
      'estimate',
      'catalog',
      'validate',
      'audit',
      'watch',
      'prices',
      'decide',
      'disclose',
      'serve',
      'investigate',
    ])
      expect(help.stdout).toContain(command);
    const unknown = viaBin(['estimat']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('estimate');
  });

  it('keeps the bad-input contract: exit 2 and one line', () => {
    const bad = viaBin(['estimate', 'infer', '--model', 'nope', '--hardware', 'h100']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('npm pack of @clearbox/cli', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'clearbox-pack-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs into an empty folder without the network and runs clearbox estimate', async () => {
    const repo = join(cliDir, '../..');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '-w', '@clearbox/cli', '--json', '--pack-destination', work], {
        cwd: repo,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const tarball = join(work, (packed[0] as { filename: string }).filename);
    const paths = (packed[0] as { files: { path: string }[] }).files.map((f) => f.path);
    expect(paths).toContain('dist/package/clearbox.js');
    expect(paths.some((p) => p.startsWith('dist/package/data/hardware/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('src/'))).toBe(false);

    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: app,
      stdio: 'pipe',
    });
    const installedBin = join(app, 'node_modules/@clearbox/cli/bin/clearbox.js');
    const installed = viaBin(estimateArgs, {}, installedBin);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    expect(installed.stdout).toBe((await inProcess(...estimateArgs)).out);
    // The same through the .bin link npm made, as a user types it.
    const linked = execFileSync(join(app, 'node_modules/.bin/clearbox'), ['catalog', 'models'], {
      encoding: 'utf8',
    });
    expect(linked).toContain('deepseek-v3');
    // Commands that need a native engine say which package to install, in one line.
    const serve = viaBin(['serve', '--port', '0', '--db', join(work, 'x.db')], {}, installedBin);
    expect(serve.status).toBe(2);
    expect(serve.stderr.trim().split('\n')).toHaveLength(1);
    expect(serve.stderr).toContain('npm install better-sqlite3@12.11.1');
    const log = join(work, 'log.jsonl');
    writeFileSync(log, '{"ts":1740787200000,"account":"a","prompt":"x","inputTokens":1,"outputTokens":1}\n');
    for (const [engine, wanted] of [
      ['duckdb', 'npm install @duckdb/node-api@1.5.6-r.1'],
      ['clickhouse', 'npm install chdb@3.4.0'],
    ] as const) {
      const logs = viaBin(
        ['investigate', 'logs', log, '--reference', log, '--engine', engine],
        {},
        installedBin,
      );
      expect(logs.status, logs.stderr).toBe(2);
      expect(logs.stderr.trim().split('\n')).toHaveLength(1);
      expect(logs.stderr).toContain(wanted);
    }
    // Nothing to fetch: the workspace packages and commander are inside the bundle.
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/@clearbox/cli/package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
  }, 120_000);
});

describe('the development bundle key', () => {
  it('covers every source file the bundle inlines, so an edited source never runs a stale bundle', async () => {
    const { build } = await import('esbuild');
    // Plain JavaScript build scripts without type declarations: imported by URL and typed here.
    const { bundleOptions } = (await import(new URL('../build/bundle.mjs', import.meta.url).href)) as {
      bundleOptions: (o: { outdir: string; entryName: string; chunkPrefix: string }) => BuildOptions;
    };
    const { bundledSources } = (await import(new URL('../build/source-key.mjs', import.meta.url).href)) as {
      bundledSources: string[];
    };
    const outdir = mkdtempSync(join(tmpdir(), 'clearbox-bundle-key-'));
    try {
      const result = await build({
        ...bundleOptions({ outdir, entryName: 'probe', chunkPrefix: 'chunk-' }),
        write: false,
        metafile: true,
        minify: false,
      });
      const ours = Object.keys(result.metafile?.inputs ?? {}).filter(
        (file) => !file.includes('node_modules/'),
      );
      // The bundle inlines several workspace packages; the count guards against a metafile read wrongly.
      expect(ours.filter((f) => f.startsWith('packages/logs/')).length).toBeGreaterThan(0);
      const uncovered = ours.filter(
        (file) => !bundledSources.some((source) => file === source || file.startsWith(`${source}/`)),
      );
      expect(uncovered).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
