/** The longest value an error message repeats back; the rest is summarised by its length. */
export const MAX_ECHO_CHARS = 80;

/**
 * A user's value as an error message may repeat it: quoted, one line, at most MAX_ECHO_CHARS.
 * A 50 MB field once came back whole in its own error message.
 */
export function echo(value: unknown, max: number = MAX_ECHO_CHARS): string {
  const text = typeof value === 'string' ? value : String(value);
  const oneLine = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const flat = oneLine.replace(/[\r\n\t]+/g, ' ');
  if (text.length <= max && flat.length <= max) return `"${flat}"`;
  return `"${flat.slice(0, max)}…" (${text.length.toLocaleString('en-US')} characters)`;
}
