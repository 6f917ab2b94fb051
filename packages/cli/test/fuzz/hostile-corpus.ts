/**
 * Hostile documents, generated rather than committed (some are megabytes): each one is a way a file
 * has broken, or could break, a parser, a validator or a walker. The same list feeds the CLI fuzz
 * suite (every file-reading command) and the server's (every document field).
 */
export interface HostileDocument {
  name: string;
  /** File extension the commands see. */
  ext: 'json' | 'yaml' | 'jsonl' | 'csv';
  content: string | Uint8Array;
}

const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

function aliasBomb(): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\nversion: 1\n`;
}

export function hostileDocuments(): HostileDocument[] {
  const docs: HostileDocument[] = [
    { name: 'deep-array-10k', ext: 'json', content: deepArray(10_000) },
    { name: 'deep-object-10k', ext: 'json', content: deepObject(10_000) },
    { name: 'deep-claims-10k', ext: 'json', content: `{"version": 1, "claims": ${deepArray(10_000)}}` },
    { name: 'deep-items-5k', ext: 'json', content: `{"version": 1, "items": [${deepObject(5000)}]}` },
    {
      name: 'deep-yaml-block',
      ext: 'yaml',
      content: `${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`,
    },
    { name: 'deep-yaml-dashes', ext: 'yaml', content: `${'- '.repeat(5000)}x\n` },
    { name: 'alias-bomb', ext: 'yaml', content: aliasBomb() },
    {
      name: 'infinity-json',
      ext: 'json',
      content: '{"version": 1, "items": [{"amount": 1e999}], "x": -1e999}',
    },
    { name: 'nan-yaml', ext: 'yaml', content: 'version: 1\nvalue: .nan\nother: -.inf\ndate: 2025-13-45\n' },
    { name: 'huge-field', ext: 'json', content: `{"version": 1, "id": "${'x'.repeat(2_000_000)}"}` },
    { name: 'huge-id-yaml', ext: 'yaml', content: `version: 1\nmodel: ${'y'.repeat(1_000_000)}\n` },
    {
      name: 'invalid-utf8',
      ext: 'yaml',
      content: new Uint8Array([0x76, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
    },
    { name: 'nul-bytes', ext: 'json', content: '{"version":\u0000 1}\u0000\u0000' },
    { name: 'bom', ext: 'json', content: '\ufeff{"version": 1}' },
    { name: 'empty', ext: 'yaml', content: '' },
    { name: 'whitespace', ext: 'yaml', content: '   \n\t\n  ' },
    { name: 'scalar-root', ext: 'json', content: '42' },
    { name: 'list-root', ext: 'yaml', content: '- 1\n- 2\n' },
    { name: 'null-root', ext: 'json', content: 'null' },
    {
      name: 'proto-keys',
      ext: 'json',
      content: '{"__proto__": {"x": 1}, "constructor": {"prototype": 1}, "version": 1}',
    },
    { name: 'duplicate-keys', ext: 'yaml', content: 'version: 1\nversion: 2\n' },
    {
      name: 'yaml-tags',
      ext: 'yaml',
      content: 'version: !!js/function "function(){}"\nb: !!binary AAAA\nc: !custom x\n',
    },
    { name: 'long-line', ext: 'yaml', content: `version: 1\nnote: ${'z '.repeat(500_000)}\n` },
    {
      name: 'bad-json-lines',
      ext: 'jsonl',
      content: Array.from({ length: 100 }, () => '{not json').join('\n'),
    },
    {
      name: 'crlf-jsonl',
      ext: 'jsonl',
      content: '{"promptId":"1","text":"a"}\r\n{"promptId":"2","text":"b"}\r\n',
    },
    {
      name: 'jsonl-wrong-types',
      ext: 'jsonl',
      content: '{"promptId": 1, "text": []}\n{"promptId": null}\n[]\n"x"\n',
    },
    { name: 'csv-unbalanced', ext: 'csv', content: 'a,b,"c\n1,2,3\n"4,5\n' },
    {
      name: 'csv-focus-garbage',
      ext: 'csv',
      content:
        'BilledCost,BillingCurrency,ChargePeriodStart\nabc,XXX,2025-02-30\n1e999,USD,2025-01-01\n-1,USD,\n',
    },
    { name: 'csv-epoch', ext: 'csv', content: 'ts,account,prompt\n1735689600,a,hi\n1735689601,a,hi\n' },
    {
      name: 'impossible-dates',
      ext: 'yaml',
      content:
        'version: 1\nid: d\nperiod: { start: 2025-02-30, end: 2025-13-45 }\nseries: [{ date: 2025-00-10, value: 1 }]\n',
    },
    { name: 'wrong-version', ext: 'yaml', content: 'version: 999\n' },
    { name: 'rtl-and-emoji', ext: 'yaml', content: 'version: 1\nid: "\u202eevil\u202c 😀"\n' },
  ];
  return docs;
}
