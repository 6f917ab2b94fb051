import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccountStats, TEMPLATE_BAND_ROWS, TEMPLATE_BANDS } from '@clearbox/core';
import { describe, expect, it } from 'vitest';
import { MINHASH_SEEDS, TEMPLATE_STOP_WORDS, TEMPLATE_WINDOW } from '../src/features/templates.ts';
import { logAccountStats } from '../src/index.ts';

// The template keys of features/templates.ts, written again here in plain TypeScript (JS regular
// expressions, node:crypto MD5, BigInt arithmetic), so the SQL of both engines is checked against an
// independent computation; then what the keys are for: paraphrases of one template meet, a 48-character
// prefix key (the previous scheme) misses them, and unrelated prompts do not meet.

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const stop = new Set<string>(TEMPLATE_STOP_WORDS);
const P = 2147483647n;

/** The per-band keys of one prompt. */
function templateKeys(prompt: string): string[] {
  const text = [...prompt.toLowerCase()].slice(0, TEMPLATE_WINDOW).join('').replace(/[0-9]/g, '');
  const words = new Set(
    (text.replace(/[a-z]+$/, '').match(/[a-z]+/g) ?? []).filter((w) => w.length >= 3 && !stop.has(w)),
  );
  const hashes = [...words].map((w) => BigInt(Number.parseInt(md5(w).slice(0, 8), 16)) % P);
  const keys: string[] = [];
  for (let band = 0; band < TEMPLATE_BANDS; band++) {
    const minima = Array.from({ length: TEMPLATE_BAND_ROWS }, (_, r) => {
      const [a, b] = MINHASH_SEEDS[band * TEMPLATE_BAND_ROWS + r] as readonly [number, number];
      let best = { value: P, word: -1n };
      for (const h of hashes) {
        const v = (BigInt(a) * h + BigInt(b)) % P;
        if (v < best.value) best = { value: v, word: h };
      }
      return best;
    });
    // A band whose minima come from one word keys on the text (no meeting through one shared word).
    const words = new Set(minima.map((m) => m.word));
    const exact = hashes.length < 2 || words.size < TEMPLATE_BAND_ROWS;
    keys.push(md5(`${band}:${exact ? `text:${text}` : minima.map((m) => m.value).join(',')}`).slice(0, 16));
  }
  return keys;
}

/** The previous key: the first 48 characters, digit runs masked as '#', MD5 of the first 40. */
function prefixKey(prompt: string): string {
  return md5(
    prompt
      .toLowerCase()
      .slice(0, 48)
      .replace(/[0-9]+/g, '#')
      .slice(0, 40),
  ).slice(0, 16);
}

const shared = (x: string, y: string) => templateKeys(x).filter((k) => templateKeys(y).includes(k)).length;

/** Hand-written templates, each with light paraphrases: clause order, a few synonyms, numbers, a lead-in. */
const paraphrased: Array<[string, string[]]> = [
  [
    'Solve the following problem. Think step by step and show your complete chain of thought before giving the final answer. Problem 17: a train leaves Lyon at noon',
    [
      'Think step by step and show your complete chain of thought before giving the final answer. Solve the following problem. Problem 2048: a farmer owns three fields',
      'Work out the following problem. Think step by step and show your entire chain of thought before giving the final answer. Problem 5: two pipes fill a tank',
      'Quick one. Solve the next problem. Think step by step and show your complete chain of thought before giving the final answer. Problem 311: a ladder leans on a wall',
    ],
  ],
  [
    'As an expert tutor, produce a worked solution with each deduction on its own line for: the area of a circle of radius 4',
    [
      'Produce a worked solution, as an expert tutor, with each deduction on its own line for: the volume of a cube of side 9',
      'As a specialist tutor, create a worked solution with each deduction on its own line for: the roots of x^2 - 5x + 6',
      'Hi. As an expert tutor, produce a worked solution with every deduction on its own line for: the sum 1 + 2 + ... + 100',
    ],
  ],
  [
    'Critique the following argument, listing hidden assumptions one by one: all swans we have seen are white, so every swan is white',
    [
      'Listing hidden assumptions one by one, critique the following argument: prices rose after the tax, so the tax raised prices',
      'Critique the next argument, listing the hidden assumptions one by one: 90% of drivers rate themselves above average',
      'Please critique the following argument and list hidden assumptions one by one: the rooster crows, then the sun rises',
    ],
  ],
];

/** Unrelated prompts of ordinary users: no two may share a template key. */
const unrelated = [
  'Can you fix this Python script so it reads the CSV file with a header row?',
  'Write a cover letter for a junior data analyst position at a hospital',
  'Translate this paragraph into Spanish, keeping the formal register',
  'What is the difference between a Roth IRA and a traditional IRA?',
  'Summarise the meeting notes below into five bullet points for the team',
  'Give me a recipe for vegetarian lasagne that serves six people',
  'Explain how TCP congestion control reacts to packet loss',
  'Draft a polite email asking my landlord to repair the heating',
  'Why does my React component re-render twice in development mode?',
  'Suggest names for a bakery that specialises in sourdough bread',
  'How do I convert a pandas DataFrame column from string to datetime?',
  'Write a haiku about autumn leaves falling on a quiet river',
  'Plan a three-day itinerary for Kyoto in early April with temples and food markets',
  'Review this SQL query and tell me why it returns duplicate customers',
  'What are the symptoms of vitamin D deficiency in adults?',
  'Create a weekly workout plan for a beginner with no gym equipment',
  'Rewrite this product description for an ergonomic office chair to sound more premium',
  'Help me understand the plot of Dostoevsky novel The Idiot',
  'Generate ten interview questions for a senior backend engineer',
  'How should I store fresh basil so it does not wilt?',
  'Compare PostgreSQL and MongoDB for an inventory tracking application',
  'Write a birthday message for my grandmother turning ninety',
  'Explain the Monty Hall problem to a twelve year old',
  'Outline a lesson plan on photosynthesis for a biology class',
  'My dockerfile build fails at npm install with a network timeout, what can I try?',
  'Draft a short press release announcing our new mobile banking app',
  'What does the error segmentation fault core dumped mean in C?',
  'Suggest a budget spreadsheet layout for a family of four',
  'Turn these survey results into a short chart description for a report',
  'Describe the causes of the French Revolution in two paragraphs',
];

async function statsOf(rows: Array<{ account: string; prompt: string }>, engine: 'duckdb' | 'clickhouse') {
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-templates-'));
  const file = join(dir, 'logs.jsonl');
  writeFileSync(
    file,
    rows
      .map((r, i) =>
        JSON.stringify({
          ts: 1_740_787_200_000 + i * 60_000,
          account: r.account,
          prompt: r.prompt,
          inputTokens: 10,
          outputTokens: 20,
        }),
      )
      .join('\n'),
  );
  return logAccountStats({
    files: [file],
    referenceFiles: [],
    referenceAccounts: ['ref-0'],
    map: {},
    rareShare: 0.02,
    engine,
  });
}

describe('template keys (MinHash LSH over normalised word sets)', () => {
  it('meet across the paraphrases of one template, which a 48-character prefix key tells apart', () => {
    for (const [template, variants] of paraphrased) {
      const family = [template, ...variants];
      expect(new Set(templateKeys(template)).size).toBe(TEMPLATE_BANDS);
      // The prefix key sees four different templates, each used once.
      expect(new Set(family.map(prefixKey)).size, template).toBe(family.length);
      // Each prompt meets another of its family in some band (LSH: a pair of Jaccard similarity J meets
      // with probability 1 - (1 - J^2)^8, so not every pair need meet; the account's requests do).
      for (const prompt of family)
        expect(
          Math.max(...family.filter((x) => x !== prompt).map((x) => shared(prompt, x))),
          prompt,
        ).toBeGreaterThan(0);
    }
  });

  it('keep unrelated prompts apart, and different templates apart', () => {
    const prompts = [...unrelated, ...paraphrased.map(([t]) => t)];
    for (let i = 0; i < prompts.length; i++)
      for (let j = i + 1; j < prompts.length; j++)
        expect(shared(prompts[i] as string, prompts[j] as string), `${prompts[i]} | ${prompts[j]}`).toBe(0);
  });

  it('give numbers changed in place the same keys', () => {
    expect(templateKeys('Question 7: what is 12 squared?')).toEqual(
      templateKeys('Question 1234: what is 5 squared?'),
    );
  });

  describe.each(['duckdb', 'clickhouse'] as const)('in SQL (%s)', (engine) => {
    it('are the keys of the direct computation, counted per account, kept when repeated (or shared, in the reference)', async () => {
      const rows: Array<{ account: string; prompt: string }> = [];
      paraphrased.forEach(([template, variants], t) => {
        for (const prompt of [template, ...variants]) rows.push({ account: `campaign-${t}`, prompt });
      });
      unrelated.forEach((prompt, i) => {
        rows.push({ account: `user-${i % 5}`, prompt });
      });
      rows.push(
        { account: 'ref-0', prompt: 'Hello there' },
        { account: 'ref-0', prompt: '日本語のプロンプト 1' },
      );
      const stats = await statsOf(rows, engine);
      const want = new Map<string, Map<string, number>>();
      for (const r of rows) {
        const m = want.get(r.account) ?? new Map<string, number>();
        for (const k of templateKeys(r.prompt)) m.set(k, (m.get(k) ?? 0) + 1);
        want.set(r.account, m);
      }
      const users = new Map<string, number>();
      for (const m of want.values()) for (const k of m.keys()) users.set(k, (users.get(k) ?? 0) + 1);
      for (const s of stats as AccountStats[]) {
        const m = want.get(s.account) as Map<string, number>;
        // Listed: keys another account also uses, repeated (or, in the reference, used once); keys no other
        // account uses come back as one sum of their repeated uses.
        const shared = (k: string) => (users.get(k) ?? 0) >= 2;
        const kept = [...m].filter(([k, c]) => shared(k) && (c >= 2 || s.reference)).sort();
        expect(s.templates, s.account).toEqual(kept);
        const privateUses = [...m].filter(([k, c]) => !shared(k) && c >= 2).reduce((a, [, c]) => a + c, 0);
        expect(s.privateTemplateUses, s.account).toBe(privateUses);
      }
      // Each campaign account's paraphrases meet in repeated buckets; the unrelated users' prompts do not.
      const repeated = (s: AccountStats) =>
        s.templates.filter(([, c]) => c >= 2).length + (s.privateTemplateUses ?? 0);
      for (const s of stats) {
        if (s.account.startsWith('campaign-')) expect(repeated(s), s.account).toBeGreaterThan(0);
        if (s.account.startsWith('user-')) expect(repeated(s), s.account).toBe(0);
      }
    }, 60_000);
  });
});
