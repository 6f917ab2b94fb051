import { checkOptions, wholeNumber } from '@clearbox/core';
import { z } from 'zod';

/**
 * The numbers of `clearbox serve` and `npm start` in one schema, whether they come from flags or the
 * environment: `--max-body 0.5` and `CLEARBOX_MAX_BODY=0.5` are refused in the same words, naming
 * what the user typed.
 */
export const serveNumbersSchema = z.strictObject({
  port: wholeNumber(0)
    .max(65535, { error: (i) => `expected a port 0-65535, got ${String(i.input)}` })
    .optional(),
  maxBodyBytes: wholeNumber(1).optional(),
  requestTimeoutMs: wholeNumber(1).optional(),
});

/** The numbers as the options carry them: each one present or absent. */
export interface ServeNumbers {
  port?: number;
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
}

export const serveNumberFlags: Record<keyof ServeNumbers, string> = {
  port: '--port',
  maxBodyBytes: '--max-body',
  requestTimeoutMs: 'CLEARBOX_TIMEOUT_MS',
};

export const serveNumberEnv: Record<keyof ServeNumbers, string> = {
  port: 'PORT',
  maxBodyBytes: 'CLEARBOX_MAX_BODY',
  requestTimeoutMs: 'CLEARBOX_TIMEOUT_MS',
};

/** The numbers as given, once checked; a problem names its flag (default) or environment variable. */
export function checkServeNumbers<T extends ServeNumbers>(
  value: T,
  names: Record<string, string> = serveNumberFlags,
): T {
  checkOptions(serveNumbersSchema, value, names);
  return value;
}
