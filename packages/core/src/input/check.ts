import type { z } from 'zod';
import { InputError } from '../errors/clearbox-error.ts';

/**
 * Validates options against their shared schema and returns the parsed value; the first problem
 * becomes one InputError naming the flag (`--pue`) or, without one, the field path (`pue`).
 */
export function checkOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  names: Readonly<Record<string, string>> = {},
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.');
  throw new InputError(
    issue?.message ?? 'invalid',
    names[path] ?? names[path.split('.')[0] ?? ''] ?? (path || undefined),
  );
}
