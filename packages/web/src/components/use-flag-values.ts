import { useEffect, useState } from 'preact/hooks';
import { commandLine, type FlagField, type FlagValues, valuesFromCommandLine } from '../estimate/flags.ts';
import { useHashParam } from '../url-state.ts';

/** Flag values as a URL-safe command line: whitespace inside a typed value ("2.5 M") is dropped. */
function urlText(fields: readonly FlagField[], values: FlagValues): string {
  const compact: FlagValues = {};
  for (const [k, v] of Object.entries(values)) compact[k] = v.replace(/\s+/g, '');
  return commandLine(fields, compact).join(' ');
}

/**
 * A calculator's fields, kept in the URL under `key` as the CLI command line they stand for. The page
 * opens on `defaults` only when the URL says nothing; a link or a reload restores exactly what was typed.
 */
export function useFlagValues(
  key: string,
  fields: readonly FlagField[],
  defaults: FlagValues,
): [FlagValues, (next: FlagValues) => void] {
  const [param, setParam] = useHashParam(key);
  const [values, setValues] = useState<FlagValues>(() =>
    param !== undefined ? valuesFromCommandLine(fields, param) : defaults,
  );
  useEffect(() => {
    // A link pasted while on the page: take its values unless they are what is already shown.
    if (param !== undefined && param !== urlText(fields, values))
      setValues(valuesFromCommandLine(fields, param));
  }, [param]);
  const set = (next: FlagValues) => {
    setValues(next);
    setParam(urlText(fields, next) || undefined);
  };
  return [values, set];
}
