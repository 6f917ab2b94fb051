import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

import type { FieldError } from '../estimate/form-errors.ts';

export type { FieldError };

interface FieldProps {
  /** Stable name, used for the error lookup, the control's `name` and its test id. */
  name: string;
  label: string;
  help?: string;
  error?: FieldError | undefined;
}

function Described({
  id,
  help,
  error,
  children,
}: {
  id: string;
  help?: string | undefined;
  error?: FieldError | undefined;
  children: ComponentChildren;
}) {
  return (
    <>
      {children}
      {help && (
        <small class="help" id={`${id}-help`}>
          {help}
        </small>
      )}
      {error && (
        <small class="field-error" id={`${id}-error`} role="alert">
          {error.message}
        </small>
      )}
    </>
  );
}

function describedBy(id: string, help?: string, error?: FieldError): string | undefined {
  const ids = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/**
 * A text input for numbers: typed text is kept as typed (so "1e" mid-typing is not rewritten) and
 * parsed by the page, which shows what is wrong beside the field.
 */
export function NumberField({
  name,
  label,
  help,
  error,
  value,
  placeholder,
  onInput,
}: FieldProps & { value: string; placeholder?: string; onInput: (text: string) => void }) {
  const id = useId();
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      <Described id={id} help={help} error={error}>
        <input
          id={id}
          name={name}
          data-testid={name}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellcheck={false}
          value={value}
          placeholder={placeholder}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, help, error)}
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
        />
      </Described>
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField({
  name,
  label,
  help,
  error,
  value,
  choices,
  onChange,
}: FieldProps & { value: string; choices: Choice[]; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      <Described id={id} help={help} error={error}>
        <select
          id={id}
          name={name}
          data-testid={name}
          value={value}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, help, error)}
          onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
        >
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </Described>
    </div>
  );
}
