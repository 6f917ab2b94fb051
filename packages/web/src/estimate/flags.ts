/**
 * A calculator's fields are the CLI command's flags: the same names, the same text, and a blank field
 * is a flag not given, so the engine applies the very default the CLI applies. The form state is
 * therefore a CLI command line, which is also what the page writes into its URL.
 */

/** What a person typed, by flag name without the dashes (`usd-per-hour`). Blank or absent: not given. */
export type FlagValues = Record<string, string>;

export interface FlagChoice {
  value: string;
  label: string;
}

/** One control of a calculator: which flag it sets and how the page presents it. */
export interface FlagField {
  flag: string;
  label: string;
  /** What a blank field means (the CLI's default), or what to type. */
  help?: string;
  /** Choices for a select; a blank first choice stands for the CLI default. */
  choices?: FlagChoice[];
  /** Shown under "More options" rather than in the first row of controls. */
  advanced?: boolean;
  /** Required flags (model, hardware) are never blank. */
  required?: boolean;
  /** A switch (`--eager`): on is the value 'true' and the command line carries the bare flag. */
  boolean?: boolean;
}

/** The flags that differ from blank, as `--flag value` pairs in the fields' order. */
export function commandLine(fields: readonly FlagField[], values: FlagValues): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const v = values[f.flag]?.trim();
    if (f.boolean) {
      if (v === 'true') out.push(`--${f.flag}`);
    } else if (v) out.push(`--${f.flag}`, v);
  }
  return out;
}

/**
 * Reads `--flag value` pairs (as the CLI writes them, and as `commandLine` makes them) back into
 * values. Unknown flags are dropped: a link made by a newer page still opens on an older one.
 */
export function valuesFromCommandLine(fields: readonly FlagField[], text: string): FlagValues {
  const known = new Set(fields.map((f) => f.flag));
  const switches = new Set(fields.filter((f) => f.boolean).map((f) => f.flag));
  const words = text.trim().split(/\s+/).filter(Boolean);
  const values: FlagValues = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    // A switch takes no value: present is on.
    if (word.startsWith('--') && switches.has(word.slice(2))) {
      values[word.slice(2)] = 'true';
      continue;
    }
    if (!word.startsWith('--') || next === undefined) continue;
    const flag = word.slice(2);
    // A known flag always takes the next word, even one that starts with dashes; an unknown one
    // (a boolean such as --json) takes it only if it is not itself a flag.
    if (known.has(flag)) values[flag] = next;
    else if (next.startsWith('--')) continue;
    i++;
  }
  return values;
}

/**
 * Engine messages and warnings name CLI flags (`raise --zero, --tp`); on the page they name the
 * control instead ("raise ZeRO stage"), since the page has no flags.
 */
export function inPageWords(text: string, fields: readonly FlagField[]): string {
  let out = text;
  // Longest first, so `--eff-compute` is not read as `--eff` followed by text.
  for (const f of [...fields].sort((a, b) => b.flag.length - a.flag.length))
    out = out.replace(new RegExp(`--${f.flag}(?![\\w-])`, 'g'), `“${f.label}”`);
  return out;
}
