import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../src/io.ts';
import { main } from '../src/main.ts';

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const data = new URL('../../core/data/disclosures/', import.meta.url).pathname;
const disclosed = join(data, 'deepseek-v3-disclosed.yaml');
const reconstructed = join(data, 'deepseek-v3-reconstructed.yaml');
const bill = new URL('./fixtures/disclose-focus-bill.csv', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'clearbox-disclose-'));

describe('clearbox disclose report', () => {
  it('--json: DeepSeek-V3 as disclosed is $5.576M on the final-run rental basis, flagged rental-only', async () => {
    const r = await run('disclose', 'report', disclosed, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const rental = json.bases.find((b: { id: string }) => b.id === 'final-run-rental');
    expect(rental.label).toBe('Final run at rental price');
    expect(rental.total.value).toBe(5_576_000);
    expect(rental.total.low).toBe(5_576_000);
    expect(rental.total.high).toBe(5_576_000);
    expect(json.flags.map((f: { id: string }) => f.id)).toContain('rental-only');
    expect(typeof json.completeness.score.value).toBe('number');
    expect(json.completeness.stages).toHaveLength(9);
    expect(json.findings.length).toBeGreaterThan(0);
  });

  it('the reconstruction prints every basis with a range; the same seed gives byte-identical JSON', async () => {
    const a = await run('disclose', 'report', reconstructed, '--json', '--seed', '42', '--draws', '2000');
    const b = await run('disclose', 'report', reconstructed, '--json', '--seed', '42', '--draws', '2000');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const json = JSON.parse(a.out);
    expect(json.bases).toHaveLength(8);
    for (const basis of json.bases) expect(basis.total.low).toBeLessThan(basis.total.high);
    const human = await run('disclose', 'report', reconstructed, '--years', '5');
    expect(human.out).toContain('Lifecycle over 5 years');
    expect(human.out).toMatch(/Final run at rental price\s+\$5\.576M \[/);
  });

  it('--out report.html: one self-contained file, no script, no network; --out report.md: Markdown', async () => {
    const html = join(tmp, 'report.html');
    const r = await run('disclose', 'report', reconstructed, '--out', html, '--draws', '500');
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|<link|src="http/i);
    expect(page).toContain('<svg');
    expect(page).toContain('<details class="fig">');
    expect(page).toContain('Completeness');
    const md = join(tmp, 'report.md');
    expect((await run('disclose', 'report', disclosed, '--out', md)).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('| Final run at rental price | $5.576M |');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const bad = await run('disclose', 'report', disclosed, '--out', join(tmp, 'report.pdf'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^clearbox: error: --out: expected a file ending in \.html or \.md/);
  });
});

describe('clearbox disclose check / init / schema', () => {
  it('check: completeness by stage and flags; --json', async () => {
    const r = await run('disclose', 'check', disclosed);
    expect(r.code).toBe(0);
    expect(r.out).toContain('valid disclosure');
    expect(r.out).toContain('rental-only');
    const j = JSON.parse((await run('disclose', 'check', reconstructed, '--json')).out);
    expect(j.valid).toBe(true);
    expect(j.completeness.stages.find((s: { stage: string }) => s.stage === 'data').status).toBe('missing');
  });

  it('init writes a template that check accepts, and refuses to overwrite', async () => {
    const file = join(tmp, 'mine.yaml');
    expect((await run('disclose', 'init', '--out', file)).code).toBe(0);
    expect((await run('disclose', 'check', file)).code).toBe(0);
    const again = await run('disclose', 'init', '--out', file);
    expect(again.code).toBe(2);
    expect(again.err).toContain('file exists');
    expect((await run('disclose', 'init')).out).toContain('version: 1');
  });

  it('schema prints the committed JSON Schema (draft 2020-12)', async () => {
    const r = await run('disclose', 'schema');
    const committed = readFileSync(new URL('../../../schema/disclosure-v1.json', import.meta.url), 'utf8');
    expect(r.out).toBe(committed);
    expect(JSON.parse(r.out).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('clearbox disclose compare', () => {
  it('one basis side by side, sorted, — where a disclosure cannot give it', async () => {
    const r = await run('disclose', 'compare', disclosed, reconstructed, '--basis', 'cluster-acquisition');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/deepseek-v3-reconstructed\s+\d+%\s+\$113\.1M/);
    expect(r.out).toMatch(/deepseek-v3-disclosed\s+\d+%\s+—/);
    const j = JSON.parse((await run('disclose', 'compare', disclosed, reconstructed, '--json')).out);
    expect(j.bases).toContain('full-development');
    expect(j.rows[0].totals['final-run-rental'].value).toBe(5_576_000);
  });

  it('an unknown basis is exit 2 with the closest ids', async () => {
    const r = await run('disclose', 'compare', disclosed, reconstructed, '--basis', 'final-run-rentl');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^clearbox: error: unknown basis "final-run-rentl"; closest: final-run-rental/);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('clearbox disclose import-focus', () => {
  it('turns the FOCUS fixture into a draft disclosure that check and report accept', async () => {
    const out = join(tmp, 'from-bill.yaml');
    const r = await run('disclose', 'import-focus', bill, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('7 items');
    expect((await run('disclose', 'check', out)).code).toBe(0);
    const report = JSON.parse((await run('disclose', 'report', out, '--json', '--draws', '100')).out);
    const run0 = report.bases.find((b: { id: string }) => b.id === 'final-run-rental');
    // Σ EffectiveCost of the committed usage (the purchase row's effective cost is 0); cash = the prepayment.
    expect(run0.total.value).toBe(960);
    expect(run0.cash.value).toBe(20_000);
    const experiments = report.bases
      .find((b: { id: string }) => b.id === 'full-development')
      .stages.find((s: { stage: string }) => s.stage === 'experiments');
    expect(experiments.total.value).toBeCloseTo(204.8, 6);
  });

  it('malformed rows: refused in one line naming each reason, its first lines and value; nothing written', async () => {
    const broken = join(tmp, 'broken.csv');
    writeFileSync(broken, readFileSync(bill, 'utf8').replace(',204.8,204.8,USD', ',2O4.8,204.8,USD'));
    const out = join(tmp, 'broken.yaml');
    const r = await run('disclose', 'import-focus', broken, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^clearbox: error: .*broken\.csv: 1 of \d+ rows malformed, nothing imported: BilledCost: expected a number \(1 row; line 5; found "2O4\.8"\)\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('reads .csv.gz as a stream, with no --max-input-size limit; a corrupt gzip is one line', async () => {
    const csv = join(tmp, 'bill.csv');
    writeFileSync(csv, readFileSync(bill));
    writeFileSync(`${csv}.gz`, gzipSync(readFileSync(bill)));
    const plain = await run('disclose', 'import-focus', csv);
    const zipped = await run('--max-input-size', '100', 'disclose', 'import-focus', `${csv}.gz`);
    expect(zipped.code).toBe(0);
    expect(zipped.out.replace(/\.csv\.gz/g, '.csv')).toBe(plain.out);
    const corrupt = join(tmp, 'corrupt.csv.gz');
    writeFileSync(corrupt, 'not gzip at all');
    const bad = await run('disclose', 'import-focus', corrupt);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^clearbox: error: .*corrupt\.csv\.gz: not a readable gzip file \(Z_DATA_ERROR\)\n$/,
    );
  });
});

describe('bad input through the CLI', () => {
  it('a missing file, malformed YAML (file:line:column), and a schema error with path and found value', async () => {
    const missing = await run('disclose', 'check', join(tmp, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^clearbox: error: .*nope\.yaml: cannot read file/);
    const yaml = join(tmp, 'bad.yaml');
    writeFileSync(yaml, 'version: 1\nid: [unclosed\n');
    const syntax = await run('disclose', 'report', yaml);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toMatch(/^clearbox: error: .*bad\.yaml:\d+:\d+: invalid YAML\/JSON: /);
    const neg = join(tmp, 'neg.yaml');
    writeFileSync(
      neg,
      readFileSync(disclosed, 'utf8')
        .replace('quantity: 119000', 'quantity: -119000')
        .replace('currency: USD', 'currency: GBP'),
    );
    const schema = await run('disclose', 'check', neg);
    expect(schema.code).toBe(2);
    expect(schema.err).toContain('currency');
    expect(schema.err).toContain('found "GBP"');
    expect(schema.err).toMatch(
      /neg\.yaml:\d+ items\[1\]\.quantity: quantity must not be negative; found -119000/,
    );
    expect(schema.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(tmp, 'nope.yaml'))).toBe(false);
  });
});
