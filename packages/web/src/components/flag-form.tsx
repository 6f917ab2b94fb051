import { commandLine, type FlagField, type FlagValues, inPageWords } from '../estimate/flags.ts';
import type { FieldError } from '../estimate/form-errors.ts';
import { type Choice, NumberField, SelectField } from './fields.tsx';

/**
 * A calculator's controls, one per CLI flag (see estimate/flags.ts): the first row for the common
 * flags, "More options" for the rest (opened by itself when one of them is set or wrong), every error
 * beside its control, and the equivalent CLI command underneath.
 */
export function FlagForm({
  fields,
  values,
  errors,
  onChange,
  choicesFor = {},
  prefix,
  command,
  label,
  moreSummary,
}: {
  fields: readonly FlagField[];
  values: FlagValues;
  errors: readonly FieldError[];
  onChange: (flag: string, value: string) => void;
  /** Choices that come from the catalog (models, devices, hosts), by flag. */
  choicesFor?: Record<string, Choice[]>;
  /** Names the controls and their test ids: `${prefix}-${flag}`. */
  prefix: string;
  /** The CLI command these flags belong to, e.g. `estimate infer`. */
  command: string;
  label: string;
  /** A few words for what "More options" holds. */
  moreSummary?: string;
}) {
  const control = (f: FlagField) => {
    const error = errors.find((e) => e.field === f.flag);
    const shownError = error && { ...error, message: inPageWords(error.message, fields) };
    const value = values[f.flag] ?? '';
    const choices = choicesFor[f.flag] ?? f.choices;
    if (choices) {
      const known = choices.some((c) => c.value === value);
      return (
        <SelectField
          key={f.flag}
          name={`${prefix}-${f.flag}`}
          label={f.label}
          {...(f.help ? { help: f.help } : {})}
          error={shownError}
          value={value}
          // A value from a link or a saved item that this page does not list stays visible, not swapped.
          choices={known ? choices : [...choices, { value, label: `${value} (not in the list)` }]}
          onChange={(v) => onChange(f.flag, v)}
        />
      );
    }
    return (
      <NumberField
        key={f.flag}
        name={`${prefix}-${f.flag}`}
        label={f.label}
        {...(f.help ? { help: f.help } : {})}
        error={shownError}
        value={value}
        onInput={(v) => onChange(f.flag, v)}
      />
    );
  };
  const basic = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  const advancedInUse = advanced.some(
    (f) => (values[f.flag] ?? '').trim() !== '' || errors.some((e) => e.field === f.flag),
  );
  const known = new Set(fields.map((f) => f.flag));
  const loose = errors.filter((e) => !known.has(e.field));
  return (
    <>
      <form class="form" onSubmit={(e) => e.preventDefault()} aria-label={label}>
        {basic.map(control)}
      </form>
      {advanced.length > 0 && (
        <details class="more-options" open={advancedInUse} data-testid={`${prefix}-more`}>
          <summary>
            More options{' '}
            <span class="muted">
              ({advanced.length}: {moreSummary ?? 'set'})
            </span>
          </summary>
          <form class="form" onSubmit={(e) => e.preventDefault()} aria-label={`${label}: more options`}>
            {advanced.map(control)}
          </form>
        </details>
      )}
      {loose.length > 0 && (
        <div class="form-error" role="alert" data-testid="form-error">
          {loose.map((e) => (
            <div key={e.message}>{inPageWords(e.message, fields)}</div>
          ))}
        </div>
      )}
      <p class="cli-line muted">
        Same as{' '}
        <code data-testid={`${prefix}-command`}>
          clearbox {command} {commandLine(fields, values).join(' ')}
        </code>
      </p>
    </>
  );
}
