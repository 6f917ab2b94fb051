import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClearboxError } from '@clearbox/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportOptions } from '../packages/cli/src/commands/disclose.ts';
import { inferenceOptions } from '../packages/cli/src/commands/estimate-infer.ts';
import { trainingOptions } from '../packages/cli/src/commands/estimate-train.ts';
import { bufferIo } from '../packages/cli/src/io.ts';
import { main } from '../packages/cli/src/main.ts';
import { tinyLlamaQ4_0, writeGguf } from '../packages/core/test/gguf-fixture.ts';
import {
  computeDecideView,
  decideFields,
  decideOptionsFrom,
} from '../packages/web/src/decide/decide-view.ts';
import {
  compareFields,
  focusFields,
  reportFields,
  reportOptionsFrom,
} from '../packages/web/src/disclose/disclose-options.ts';
import {
  type FlagField,
  type FlagValues,
  valuesFromCommandLine,
} from '../packages/web/src/estimate/flags.ts';
import {
  computeInferenceView,
  engineChoices,
  inferenceFields,
  inferenceOptionsFrom,
  kvChoices,
  weightChoices,
} from '../packages/web/src/estimate/inference-view.ts';
import {
  computeTrainingView,
  trainingFields,
  trainingOptionsFrom,
} from '../packages/web/src/estimate/training-view.ts';
import { describeE2e, settle } from './browser.ts';
import { nodeEstimator } from './engine.ts';

/**
 * The web page and the CLI must give the same numbers for the same request. The calculators' fields
 * are the CLI's flags; these tests hold the page's reading of them to the CLI's, on the README's own
 * examples and on random flag sets, and the page's shown values to `clearbox ... --json`.
 */

interface Example {
  command: 'infer' | 'train';
  args: string;
}

/** `npx clearbox estimate infer|train ...` lines of the README, without output-only flags. */
function readmeExamples(): Example[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const out: Example[] = [];
  for (const m of readme.matchAll(/^\$ npx clearbox estimate (infer|train) (.+)$/gm)) {
    // The tour marks shortened output with a trailing comment (`# lines 1-4`); the command is before it.
    const command = (m[2] ?? '').replace(/\s+#.*$/, '');
    const args = command.replace(/\s--(json|explain)\b/g, '').trim();
    out.push({ command: m[1] as Example['command'], args });
  }
  return out;
}

const fieldsOf = (c: Example['command']): FlagField[] => (c === 'infer' ? inferenceFields : trainingFields);

/** The engine call the page makes for these flag values. */
function pageResult(example: Example): unknown {
  const values = valuesFromCommandLine(fieldsOf(example.command), example.args);
  const view =
    example.command === 'infer'
      ? computeInferenceView(nodeEstimator(), values)
      : computeTrainingView(nodeEstimator(), values);
  if (!view.ok) throw new Error(`the page refused ${example.args}: ${JSON.stringify(view.errors)}`);
  return view.estimate;
}

async function cliJson(example: Example): Promise<Record<string, unknown>> {
  const io = bufferIo();
  const code = await main(['estimate', example.command, ...example.args.split(/\s+/), '--json'], io);
  expect(code, io.stderr()).toBe(0);
  return JSON.parse(io.stdout()) as Record<string, unknown>;
}

/** The CLI's commander hands its action camelCased flags (`usdPerHour`). */
function cliFlags(values: FlagValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

/** The CLI's reading of flags: the options, or the one line it refuses them with. */
function cliCall<T>(read: () => T): { options: T } | { refused: string } {
  try {
    return { options: read() };
  } catch (error) {
    if (error instanceof ClearboxError) return { refused: error.message };
    throw error;
  }
}

const examples = readmeExamples();

describe('the page and the CLI, engine call for engine call', () => {
  it('finds the README examples (train, infer with FP8 weights, offload, streaming)', () => {
    expect(examples.filter((e) => e.command === 'train').length).toBeGreaterThanOrEqual(1);
    expect(examples.filter((e) => e.command === 'infer').length).toBeGreaterThanOrEqual(3);
    expect(examples.some((e) => e.args.includes('--offload cpu:'))).toBe(true);
  });

  for (const example of examples) {
    it(`estimate ${example.command} ${example.args}`, async () => {
      expect(JSON.parse(JSON.stringify(pageResult(example)))).toEqual(await cliJson(example));
    });
  }

  it('DeepSeek-V3 on 8×H200 with FP8 weights keeps the CLI’s BF16 KV cache (batch 614, not 1228)', async () => {
    const example: Example = {
      command: 'infer',
      args: '--model deepseek-v3 --hardware h200 --count 8 --weights fp8 --batch max',
    };
    const page = pageResult(example) as { kv: string; batch: { value: number } };
    const cli = (await cliJson(example)) as { kv: string; batch: { value: number } };
    expect(page.kv).toBe('bf16');
    expect(page.batch.value).toBe(cli.batch.value);
  });

  const word = fc.constantFrom('1', '2', '4', '8', '16', '0.5', '0.9', '1e3', '2.5k', '1M');
  it('reads any inference flags as the CLI does', () => {
    const values = fc.record(
      {
        count: word,
        weights: fc.constantFrom(...weightChoices),
        kv: fc.constantFrom(...kvChoices),
        batch: fc.oneof(word, fc.constant('max')),
        input: word,
        output: word,
        engine: fc.constantFrom(...engineChoices),
        offload: fc.constantFrom('none', 'cpu:10', 'stream:nvme', 'stream:host'),
        host: fc.constantFrom('ddr5-desktop', 'raspberry-pi-5-8gb'),
        tp: word,
        ep: word,
        'usd-per-hour': word,
        utilization: word,
        'eff-compute': word,
        'eff-memory': word,
        concurrency: fc.constantFrom('1', '1,8,64', '4,16', '0,2', '1,4,16,64', '8,2', '0', '1,x'),
        mtp: fc.constantFrom('0', '0.85', '1', '1.5'),
        eager: fc.constantFrom('true'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(values, (typed) => {
        const flags = { model: 'deepseek-v3', hardware: 'h200', ...typed } as FlagValues;
        const page = inferenceOptionsFrom(flags);
        const cli = cliCall(() => inferenceOptions(cliFlags(flags) as never, 'deepseek-v3', 'h200'));
        // Both refuse the same values (a fraction over 1, a PUE under 1), and build the same call otherwise.
        expect(page.errors.length > 0, JSON.stringify({ flags, page: page.errors, cli })).toBe(
          'refused' in cli,
        );
        if ('options' in cli) expect(page.options).toEqual(cli.options);
      }),
    );
  });

  it('reads any training flags as the CLI does', () => {
    const values = fc.record(
      {
        tokens: word,
        count: word,
        dtype: fc.constantFrom('bf16', 'fp16', 'fp8'),
        mfu: word,
        'gpu-hours': word,
        days: word,
        'usd-per-gpu-hour': word,
        seq: word,
        tp: word,
        pp: word,
        ep: word,
        zero: fc.constantFrom('0', '1', '2', '3'),
        'micro-batch': word,
        pue: word,
        grid: word,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(values, (typed) => {
        const flags = { model: 'deepseek-v3', hardware: 'h800', ...typed } as FlagValues;
        const page = trainingOptionsFrom(flags);
        const cli = cliCall(() => trainingOptions(cliFlags(flags) as never, 'deepseek-v3', 'h800'));
        expect(page.errors.length > 0, JSON.stringify({ flags, page: page.errors, cli })).toBe(
          'refused' in cli,
        );
        if ('options' in cli) expect(page.options).toEqual(cli.options);
      }),
    );
  });

  it('offers a control for every flag of `clearbox estimate infer` and `train`', async () => {
    for (const command of ['infer', 'train'] as const) {
      const io = bufferIo();
      await main(['estimate', command, '--help'], io);
      // Option lines start with two spaces; a wrapped description line (which may begin with a --flag it
      // mentions) is indented to the description column.
      const flags = [...io.stdout().matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1] ?? '');
      const page = new Set(fieldsOf(command).map((f) => f.flag));
      const outputOnly = new Set(['json', 'explain', 'help', 'out', 'no-cache']);
      expect(flags.filter((f) => !outputOnly.has(f) && !page.has(f))).toEqual([]);
    }
  });
});

/** The flags `clearbox ARGS --help` lists, less those that only choose where output goes. */
async function helpFlags(args: string[]): Promise<string[]> {
  const io = bufferIo();
  await main([...args, '--help'], io);
  const flags = [...io.stdout().matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1] ?? '');
  expect(flags.length, args.join(' ')).toBeGreaterThan(0);
  // --no-cache changes how the CLI gets its fit, never what it prints: the page has no cache to skip.
  const outputOnly = new Set(['json', 'explain', 'help', 'out', 'no-cache']);
  return flags.filter((f) => !outputOnly.has(f));
}

const workloadPath = fileURLToPath(
  new URL('../packages/core/data/workloads/support-bot.yaml', import.meta.url),
);
const disclosurePath = fileURLToPath(
  new URL('../packages/core/data/disclosures/deepseek-v3-reconstructed.yaml', import.meta.url),
);

describe('Decide and Disclose: the page’s options are the CLI’s', () => {
  it('offers a control for every flag of `clearbox decide` and `clearbox disclose report|compare|import-focus`', async () => {
    const pages: Array<[string[], readonly FlagField[]]> = [
      [['decide'], decideFields],
      [['disclose', 'report'], reportFields],
      // compare takes the report's horizon and seed: the page shows them once, above.
      [
        ['disclose', 'compare'],
        [...compareFields, ...reportFields],
      ],
      [['disclose', 'import-focus'], focusFields],
    ];
    for (const [args, fields] of pages) {
      const page = new Set(fields.map((f) => f.flag));
      expect(
        (await helpFlags(args)).filter((f) => !page.has(f)),
        args.join(' '),
      ).toEqual([]);
    }
  });

  const word = fc.constantFrom(
    '0',
    '1',
    '2',
    '7',
    '50',
    '51',
    '99',
    '100',
    '2.5',
    '-1',
    '1e3',
    '2k',
    '1M',
    '5e9',
    'x',
  );

  it('reads any --years, --seed, --draws as `clearbox disclose report` does', () => {
    const values = fc.record({ years: word, seed: word, draws: word }, { requiredKeys: [] });
    fc.assert(
      fc.property(values, (flags) => {
        const page = reportOptionsFrom(flags as FlagValues);
        const cli = cliCall(() => reportOptions(flags));
        expect(page.errors.length > 0, JSON.stringify({ flags, page: page.errors, cli })).toBe(
          'refused' in cli,
        );
        if ('options' in cli) expect(page.options).toEqual(cli.options);
        // Numbers out of range: the same words (the shared schema's), at the same field.
        if ('refused' in cli && !Object.values(flags).includes('x')) {
          const [flag, ...words] = cli.refused.split(': ');
          expect(page.errors).toContainEqual({ field: flag?.replace(/^--/, ''), message: words.join(': ') });
        }
      }),
    );
  });

  it('reads --top as `clearbox decide` does, and lists the same self-hosting plans', async () => {
    // Refused before any search: the same values, the same words.
    for (const top of ['0', '-1', '2.5', 'x', '1e999']) {
      const page = decideOptionsFrom({ top });
      const io = bufferIo();
      expect(await main(['decide', workloadPath, '--top', top], io), top).toBe(2);
      expect(page.errors.length, top).toBe(1);
      if (['0', '-1', '2.5'].includes(top))
        expect(io.stderr(), top).toContain(`--top: ${page.errors[0]?.message}`);
    }
    expect(decideOptionsFrom({ top: '2k' })).toEqual({ options: { top: 2000 }, errors: [] });
    expect(decideOptionsFrom({})).toEqual({ options: {}, errors: [] });
    const io = bufferIo();
    expect(await main(['decide', workloadPath, '--top', '3', '--json'], io), io.stderr()).toBe(0);
    const cli = JSON.parse(io.stdout()) as { selfHost: Array<{ id: string }> };
    const text = readFileSync(workloadPath, 'utf8');
    const view = computeDecideView(
      nodeEstimator(),
      { path: workloadPath, text },
      decideOptionsFrom({ top: '3' }).options,
    );
    expect(view.kind === 'result' && view.result.selfHost.map((p) => p.id)).toEqual(
      cli.selfHost.map((p) => p.id),
    );
  }, 120_000);
});

describeE2e('Decide and Disclose pages show what the CLI prints for the same options', (e2e) => {
  it('#/decide?decide=--top 2: two self-hosting plans, the CLI’s cheapest; it survives a reload', async () => {
    const io = bufferIo();
    expect(await main(['decide', workloadPath, '--top', '2', '--json'], io)).toBe(0);
    const cli = JSON.parse(io.stdout()) as { selfHost: Array<{ id: string; monthlyUsd: { value: number } }> };
    // The two cheapest, and the cheapest rented and bought plan when those are not among them.
    expect(cli.selfHost.length).toBeGreaterThanOrEqual(2);
    const ids = cli.selfHost.map((p) => p.id).sort();
    const { page, errors } = await e2e.open(`#/decide?${new URLSearchParams({ decide: '--top 2' })}`);
    const rows = page.locator('[data-testid="decide-plans"] tbody tr');
    const selfHostShown = async () =>
      await rows
        .evaluateAll((trs) =>
          trs.filter((tr) => tr.children[1]?.textContent !== 'api').map((tr) => tr.getAttribute('data-plan')),
        )
        .then((shown) => shown.sort());
    await expect.poll(selfHostShown, { timeout: 20_000 }).toEqual(ids);
    await expect.poll(() => page.getByTestId('decide-top').inputValue(), settle).toBe('2');
    // A mistake at the field keeps the last plans on screen, marked as such.
    await page.getByTestId('decide-top').fill('0');
    await expect.poll(() => page.getByTestId('stale-note').count(), settle).toBe(1);
    await expect.poll(selfHostShown, settle).toEqual(ids);
    await page.getByTestId('decide-top').fill('2');
    await page.reload();
    await expect.poll(selfHostShown, { timeout: 20_000 }).toEqual(ids);
    expect(errors).toEqual([]);
  });

  it('#/disclose?report=--seed 7 --draws 2000 --years 5: the bases of `clearbox disclose report` with those flags', async () => {
    const args = ['--seed', '7', '--draws', '2000', '--years', '5'];
    const io = bufferIo();
    expect(await main(['disclose', 'report', disclosurePath, ...args, '--json'], io), io.stderr()).toBe(0);
    const cli = JSON.parse(io.stdout()) as {
      bases: Array<{ id: string; total: { value: number; low: number; high: number } }>;
    };
    const query = new URLSearchParams({
      disclosure: 'deepseek-v3-reconstructed.yaml',
      report: args.join(' '),
    }).toString();
    const { page, errors } = await e2e.open(`#/disclose?${query}`);
    for (const basis of cli.bases) {
      const row = page.locator(`[data-testid="bases-table"] tr[data-basis="${basis.id}"]`);
      await expect
        .poll(() => row.getAttribute('data-value'), { timeout: 20_000 })
        .toBe(String(basis.total.value));
      await expect
        .poll(() => row.getAttribute('data-range'), settle)
        .toBe(`${basis.total.low}–${basis.total.high}`);
    }
    await expect.poll(() => page.getByTestId('disclose-seed').inputValue(), settle).toBe('7');
    await page.getByTestId('disclose-draws').fill('5');
    await expect
      .poll(() => page.locator('[data-testid="disclose-draws"] ~ .field-error').textContent(), settle)
      .toContain('100 to 1,000,000 draws');
    await expect.poll(() => page.getByTestId('stale-note').count(), settle).toBe(1);
    expect(errors).toEqual([]);
  });
});

describeE2e('the page shows what `clearbox estimate --json` prints', (e2e) => {
  for (const example of examples) {
    it(`#/estimate for ${example.command} ${example.args}`, async () => {
      const cli = (await cliJson(example)) as Record<string, { value: number; name: string }>;
      const query = new URLSearchParams({ [example.command]: example.args }).toString();
      const { page, errors } = await e2e.open(`#/estimate?${query}`);
      const scope = example.command === 'infer' ? 'infer-result' : 'train-result';
      const names =
        example.command === 'infer'
          ? ['batch', 'usdPerMillionOutputTokens', 'ttftSeconds', 'tpotSeconds']
          : ['gpuHours', 'costUsd', 'mfu'];
      for (const name of names) {
        const json = cli[name];
        expect(json, name).toBeDefined();
        const figure = page.locator(`[data-testid="${scope}"] [data-figure="${json?.name}"]`).first();
        await expect.poll(() => figure.getAttribute('data-value'), settle).toBe(String(json?.value));
      }
      expect(errors).toEqual([]);
    });
  }
});

describeE2e('a model of one’s own, read in the browser as the CLI reads the file', (e2e) => {
  const config = {
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
  };

  async function cliOnFile(name: string, bytes: Uint8Array, args: string[]) {
    const dir = mkdtempSync(join(tmpdir(), 'clearbox-parity-'));
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const io = bufferIo();
    const code = await main(['estimate', 'infer', '--model', path, ...args, '--json'], io);
    expect(code, io.stderr()).toBe(0);
    return JSON.parse(io.stdout()) as Record<string, { value: number; name: string }> & {
      model: string;
      weights: string;
    };
  }

  for (const file of [
    {
      name: 'config.json',
      bytes: new TextEncoder().encode(JSON.stringify(config)),
      mime: 'application/json',
    },
    { name: 'tiny.gguf', bytes: writeGguf(tinyLlamaQ4_0()).bytes, mime: 'application/octet-stream' },
  ]) {
    it(`${file.name}: the same model, weight format and numbers as \`--model ${file.name}\``, async () => {
      const args = ['--hardware', 'rtx-3090', '--engine', 'llamacpp', '--input', '64', '--output', '16'];
      const cli = await cliOnFile(file.name, file.bytes, args);
      const query = new URLSearchParams({ infer: `--model llama-3.1-70b ${args.join(' ')}` }).toString();
      const { page, errors } = await e2e.open(`#/estimate?${query}`);
      await page
        .getByTestId('model-file')
        .setInputFiles({ name: file.name, mimeType: file.mime, buffer: Buffer.from(file.bytes) });
      await expect.poll(() => page.getByTestId('infer-model').inputValue(), settle).toBe(cli.model);
      await expect
        .poll(() => page.getByTestId('infer-weights').inputValue(), settle)
        .toBe(file.name.endsWith('.gguf') ? cli.weights : '');
      for (const name of ['usdPerMillionOutputTokens', 'tpotSeconds', 'batch'] as const) {
        const figure = page
          .locator(`[data-testid="infer-result"] [data-figure="${cli[name]?.name}"]`)
          .first();
        await expect.poll(() => figure.getAttribute('data-value'), settle).toBe(String(cli[name]?.value));
      }
      expect(errors).toEqual([]);
    });
  }

  it('says what is wrong with a file that is not a model', async () => {
    const { page } = await e2e.open('#/estimate');
    await page.getByTestId('model-file').setInputFiles({
      name: 'config.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hidden_size": 1}'),
    });
    await expect
      .poll(() => page.getByTestId('model-file-error').textContent(), settle)
      .toContain('model_type');
    await page.getByTestId('infer-result').waitFor();
  });
});
