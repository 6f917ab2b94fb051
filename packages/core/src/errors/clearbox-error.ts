import { echo } from '../input/echo.ts';

/**
 * Errors a user can cause. The CLI turns them into exit code 2 and one line; the server into
 * problem+json. Anything else that is thrown is a bug.
 */
export class ClearboxError extends Error {
  readonly kind: 'input' | 'not-found' | 'infeasible';
  /** Where the problem is: a file, a line, a field path. */
  readonly where: string | undefined;

  constructor(kind: ClearboxError['kind'], message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'ClearboxError';
    this.kind = kind;
    this.where = where;
  }
}

export class InputError extends ClearboxError {
  constructor(message: string, where?: string) {
    super('input', message, where);
    this.name = 'InputError';
  }
}

export class NotFoundError extends ClearboxError {
  readonly suggestions: string[];
  constructor(what: string, id: string, suggestions: string[]) {
    super(
      'not-found',
      `unknown ${what} ${echo(id)}${suggestions.length ? `; closest: ${suggestions.join(', ')}` : ''}`,
    );
    this.name = 'NotFoundError';
    this.suggestions = suggestions;
  }
}
