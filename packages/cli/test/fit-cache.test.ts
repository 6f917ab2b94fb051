import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CalibrationData,
  createEstimator,
  type EfficiencyFit,
  type FitCache,
  type InferenceOptions,
} from '@clearbox/core';
import { loadCatalogWithoutPrices, loadShippedCalibration } from '@clearbox/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliFitCache, fitCacheDir, fitKey } from '../src/fit-cache.ts';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

// llama.cpp on CUDA: a class whose fit takes a fraction of a second, so each case below fits for real.
const options: InferenceOptions = {
  model: 'llama-3.1-8b',
  hardware: 'rtx-4090',
  engine: 'llamacpp',
  weights: 'q4_k_m',
};

/** The cache with its hits counted: a hit is a `read` that gave a table back. */
function counted(cache: FitCache) {
  const seen = { hits: 0, misses: 0, writes: 0 };
  const wrapped: FitCache = {
    read(fit) {
      const table = cache.read(fit);
      if (table) seen.hits++;
      else seen.misses++;
      return table;
    },
    write(fit, table) {
      seen.writes++;
      cache.write(fit, table);
    },
  };
  return { cache: wrapped, seen };
}

const fitFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json'));

describe('the fit cache of the CLI', () => {
  const catalog = loadCatalogWithoutPrices();
  const shipped = loadShippedCalibration();

  it('a second run reads the table the first fitted, and answers byte for byte as a fresh fit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-fit-cache-'));
    const io = bufferIo();
    const first = counted(cliFitCache(io, { dir }) as FitCache);
    const fitted = JSON.stringify(
      createEstimator(catalog, () => shipped, undefined, first.cache).inference(options),
    );
    expect(first.seen).toEqual({ hits: 0, misses: 1, writes: 1 });
    expect(fitFiles(dir)).toHaveLength(1);

    const second = counted(cliFitCache(io, { dir }) as FitCache);
    const cached = JSON.stringify(
      createEstimator(catalog, () => shipped, undefined, second.cache).inference(options),
    );
    expect(second.seen).toEqual({ hits: 1, misses: 0, writes: 0 });
    const uncached = JSON.stringify(createEstimator(catalog, () => shipped).inference(options));
    expect(cached).toBe(uncached);
    expect(fitted).toBe(uncached);
    expect(io.stderr()).toBe('');
  });

  it('a changed calibration point is another fit: a new file, never the old table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-fit-cache-'));
    const io = bufferIo();
    createEstimator(catalog, () => shipped, undefined, cliFitCache(io, { dir })).inference(options);
    const index = shipped.inference.findIndex(
      (p) => p.excluded === undefined && p.engine === 'llamacpp' && p.hardware === 'rtx-4090',
    );
    expect(index).toBeGreaterThanOrEqual(0);
    const point = shipped.inference[index];
    if (!point) throw new Error('no llama.cpp point on the RTX 4090');
    const moved: CalibrationData = {
      ...shipped,
      inference: shipped.inference.map((p, i) =>
        i === index ? { ...point, measured: point.measured * 2 } : p,
      ),
    };
    const again = counted(cliFitCache(io, { dir }) as FitCache);
    const fromMoved = createEstimator(catalog, () => moved, undefined, again.cache).inference(options);
    expect(again.seen).toEqual({ hits: 0, misses: 1, writes: 1 });
    expect(fitFiles(dir)).toHaveLength(2);
    expect(JSON.stringify(fromMoved)).toBe(
      JSON.stringify(createEstimator(catalog, () => moved).inference(options)),
    );
  });

  it('the key covers the classes, the release mode, the catalog and the points', () => {
    const points = shipped.inference.filter((p) => p.excluded === undefined);
    const base: EfficiencyFit = { catalog, points, engines: ['llamacpp-cuda'], referenceOnly: true };
    const key = fitKey(base);
    expect(fitKey({ ...base })).toBe(key);
    expect(fitKey({ ...base, referenceOnly: false })).not.toBe(key);
    expect(fitKey({ ...base, engines: ['llamacpp-metal'] })).not.toBe(key);
    const { engines: _whole, ...whole } = base;
    expect(fitKey(whole)).not.toBe(key);
    expect(fitKey({ ...base, points: points.slice(1) })).not.toBe(key);
    const devices = catalog.devices.map((d, i) => (i === 0 ? { ...d, name: `${d.name} (edited)` } : d));
    expect(fitKey({ ...base, catalog: { ...catalog, devices } })).not.toBe(key);
    // A value JSON would write as something else cannot be keyed (the fit then runs every time).
    expect(() => fitKey({ ...base, catalog: { ...catalog, devices: [new Map()] as never } })).toThrow();
  });

  it('a corrupt, truncated or foreign file is ignored and rewritten, never trusted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-fit-cache-'));
    const io = bufferIo();
    const expected = JSON.stringify(createEstimator(catalog, () => shipped).inference(options));
    createEstimator(catalog, () => shipped, undefined, cliFitCache(io, { dir })).inference(options);
    const [name] = fitFiles(dir);
    if (!name) throw new Error('no fit written');
    const path = join(dir, name);
    const good = readFileSync(path, 'utf8');
    const newline = good.indexOf('\n');
    const header = JSON.parse(good.slice(0, newline));
    const spoiled = [
      good.slice(0, good.length - 10),
      // A number in the table changed: the digest no longer matches.
      good.slice(0, newline + 1) +
        good.slice(newline + 1).replace(/"compute":[0-9.e-]+/, '"compute":0.123456'),
      // A table that hashes right but is another fit's key.
      `${JSON.stringify({ ...header, key: '0'.repeat(64) })}${good.slice(newline)}`,
      'not json at all',
      '',
    ];
    for (const text of spoiled) {
      expect(text).not.toBe(good);
      writeFileSync(path, text);
      const run = counted(cliFitCache(io, { dir }) as FitCache);
      const answer = JSON.stringify(
        createEstimator(catalog, () => shipped, undefined, run.cache).inference(options),
      );
      expect(run.seen).toEqual({ hits: 0, misses: 1, writes: 1 });
      expect(answer).toBe(expected);
      expect(readFileSync(path, 'utf8')).toBe(good);
    }
    expect(io.stderr()).toBe('');
  });

  it('keeps the newest 32 fits: older files are removed when a new one is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-fit-cache-'));
    const old = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, '0'));
    old.forEach((name, i) => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, 'an older fit');
      utimesSync(path, 1_000_000 + i, 1_000_000 + i);
    });
    const io = bufferIo();
    createEstimator(catalog, () => shipped, undefined, cliFitCache(io, { dir })).inference(options);
    const left = fitFiles(dir);
    expect(left).toHaveLength(32);
    // The 9 oldest went; the new fit and the 31 newest older ones stay.
    for (const name of old.slice(0, 9)) expect(left).not.toContain(`${name}.json`);
    for (const name of old.slice(9)) expect(left).toContain(`${name}.json`);
    expect(io.stderr()).toBe('');
  });

  it('a folder that cannot be written costs one line on stderr; the estimate still comes', () => {
    const parent = mkdtempSync(join(tmpdir(), 'clearbox-fit-cache-'));
    const blocked = join(parent, 'a-file');
    writeFileSync(blocked, 'in the way of the folder');
    const io = bufferIo();
    const cache = cliFitCache(io, { dir: join(blocked, 'fits') });
    const estimator = createEstimator(catalog, () => shipped, undefined, cache);
    const answer = estimator.inference(options);
    // Another class: a second fit and a second write refused, still one line.
    estimator.inference({ ...options, hardware: 'm2-ultra' });
    createEstimator(catalog, () => shipped, undefined, cache).inference(options);
    expect(JSON.stringify(answer)).toBe(
      JSON.stringify(createEstimator(catalog, () => shipped).inference(options)),
    );
    const lines = io.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^clearbox: note: fit cache not written \(.*a-file\/fits: ENOTDIR\)/);
  });

  it('is off with --enabled false or CLEARBOX_NO_CACHE; lives under XDG_CACHE_HOME, else ~/.cache', () => {
    const io = bufferIo();
    expect(cliFitCache(io, { enabled: false })).toBeUndefined();
    expect(cliFitCache(io, { env: { CLEARBOX_NO_CACHE: '1' } })).toBeUndefined();
    expect(cliFitCache(io, { env: { CLEARBOX_NO_CACHE: '0' } })).toBeDefined();
    expect(fitCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/clearbox/fits');
    expect(fitCacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/clearbox\/fits$/);
  });
});

describe('clearbox estimate infer with the fit cache', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function run(...argv: string[]) {
    const io = bufferIo();
    const code = await main(argv, io);
    return { code, out: io.stdout(), err: io.stderr() };
  }
  const argv = [
    'estimate',
    'infer',
    '--model',
    'llama-3.1-8b',
    '--hardware',
    'rtx-4090',
    '--engine',
    'llamacpp',
  ];

  it('writes one fit, reads it back, and --no-cache neither reads nor writes it: the same JSON', async () => {
    const home = mkdtempSync(join(tmpdir(), 'clearbox-xdg-'));
    vi.stubEnv('XDG_CACHE_HOME', home);
    vi.stubEnv('CLEARBOX_NO_CACHE', '');
    const dir = join(home, 'clearbox', 'fits');
    const first = await run(...argv, '--json');
    expect(first.code).toBe(0);
    expect(fitFiles(dir)).toHaveLength(1);
    const second = await run(...argv, '--json');
    expect(second.out).toBe(first.out);
    const fresh = mkdtempSync(join(tmpdir(), 'clearbox-xdg-'));
    vi.stubEnv('XDG_CACHE_HOME', fresh);
    const uncached = await run(...argv, '--json', '--no-cache');
    expect(uncached.out).toBe(first.out);
    expect(readdirSync(fresh)).toEqual([]);
    vi.stubEnv('CLEARBOX_NO_CACHE', '1');
    expect((await run(...argv, '--json')).out).toBe(first.out);
    expect(readdirSync(fresh)).toEqual([]);
  });
});
