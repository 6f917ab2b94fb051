import { InputError } from '../errors/clearbox-error.ts';

/** One CSV record: the line it starts on, its cells, and what is wrong with it (it is still returned). */
export interface CsvRow {
  line: number;
  cells: string[];
  problem?: string;
}

/** The longest field kept, in characters; a longer one makes its row malformed (a 50 MB field once cost 1.8 GB). */
export const MAX_CSV_FIELD_CHARS = 1 << 20;
/** The most cells kept in one row. */
export const MAX_CSV_CELLS = 10_000;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * An incremental RFC 4180 reader: text goes in by chunks of any size, rows come out as they end, so a
 * file of gigabytes is read in the memory of one row. Quoted fields may hold commas, quotes ("") and line
 * breaks; CRLF or LF; a byte-order mark is dropped. A row with a stray quote, an over-long field or too
 * many cells is returned with its `problem` (the caller counts it) rather than ending the read; only a
 * quote still open at the end of the text is fatal (it swallowed the rest of the file).
 */
export class CsvReader {
  private cells: string[] = [];
  private field = '';
  private fieldStarted = false;
  private quoted = false;
  /** The current field began with a quote: once it closes, more text in the field is stray. */
  private openedQuote = false;
  /** A quote seen inside a quoted field at the end of a chunk: an escaped "" or the closing quote. */
  private quotePending = false;
  /** A CR ended the last chunk: an LF starting the next one belongs to it. */
  private crPending = false;
  private atStart = true;
  private line = 1;
  private rowLine = 1;
  private problem: string | undefined;
  private truncated = false;

  constructor(
    private readonly path: string,
    private readonly onRow: (row: CsvRow) => void,
  ) {}

  /** Reads the next piece of the text. */
  push(chunk: string): void {
    let i = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.crPending && i < chunk.length) {
      this.crPending = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    if (this.quotePending && i < chunk.length) {
      this.quotePending = false;
      if (chunk.charCodeAt(i) === QUOTE) {
        this.append('"');
        i++;
      } else this.quoted = false;
    }
    const n = chunk.length;
    while (i < n) {
      if (this.quoted) {
        const close = chunk.indexOf('"', i);
        const end = close < 0 ? n : close;
        this.countLines(chunk, i, end);
        this.append(chunk.slice(i, end));
        if (close < 0) return;
        if (close + 1 >= n) {
          this.quotePending = true;
          return;
        }
        if (chunk.charCodeAt(close + 1) === QUOTE) {
          this.append('"');
          i = close + 2;
        } else {
          this.quoted = false;
          i = close + 1;
        }
        continue;
      }
      // Unquoted: copy the run up to the next delimiter in one slice.
      let j = i;
      let c = 0;
      while (j < n) {
        c = chunk.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
        j++;
      }
      if (j > i) {
        if (this.openedQuote) this.mark('text after a closing quote');
        this.append(chunk.slice(i, j));
        this.fieldStarted = true;
      }
      if (j >= n) return;
      if (c === QUOTE) {
        if (this.fieldStarted) {
          this.mark('a quote inside an unquoted field (quote the whole field)');
          this.append('"');
        } else {
          this.quoted = true;
          this.fieldStarted = true;
          this.openedQuote = true;
        }
        i = j + 1;
      } else if (c === COMMA) {
        this.endField();
        i = j + 1;
      } else {
        this.endRow();
        this.line++;
        this.rowLine = this.line;
        if (c === CR) {
          if (j + 1 >= n) {
            this.crPending = true;
            return;
          }
          i = chunk.charCodeAt(j + 1) === LF ? j + 2 : j + 1;
        } else i = j + 1;
      }
    }
  }

  /** Ends the text: the last row without a line break is returned, an open quote is refused. */
  end(): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.quoted = false;
    }
    if (this.quoted)
      throw new InputError(
        'a quoted field is not closed by the end of the file (it holds every line after it)',
        `${this.path}:${this.rowLine}`,
      );
    if (this.field !== '' || this.fieldStarted || this.cells.length > 0) this.endRow();
  }

  private countLines(chunk: string, from: number, to: number): void {
    for (let k = chunk.indexOf('\n', from); k >= 0 && k < to; k = chunk.indexOf('\n', k + 1)) this.line++;
  }

  private append(text: string): void {
    if (this.truncated) return;
    if (this.field.length + text.length > MAX_CSV_FIELD_CHARS) {
      this.mark(`a field longer than ${MAX_CSV_FIELD_CHARS.toLocaleString('en-US')} characters`);
      this.truncated = true;
      this.field = '';
      return;
    }
    this.field += text;
  }

  private mark(problem: string): void {
    this.problem ??= problem;
  }

  private endField(): void {
    if (this.cells.length < MAX_CSV_CELLS) this.cells.push(this.field);
    else this.mark(`more than ${MAX_CSV_CELLS.toLocaleString('en-US')} columns`);
    this.field = '';
    this.fieldStarted = false;
    this.openedQuote = false;
    this.truncated = false;
  }

  private endRow(): void {
    const blank = this.cells.length === 0 && this.field === '' && !this.fieldStarted;
    this.endField();
    const row: CsvRow = { line: this.rowLine, cells: this.cells };
    if (this.problem !== undefined) row.problem = this.problem;
    this.cells = [];
    this.problem = undefined;
    if (!blank || row.problem !== undefined) this.onRow(row);
  }
}

/**
 * Parses RFC 4180 CSV text whole (see CsvReader); the first malformed row is refused with its line.
 * Returns rows with the line each starts on, so errors can point at it.
 */
export function parseCsv(text: string, path: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  const reader = new CsvReader(path, (row) => {
    if (row.problem !== undefined) throw new InputError(row.problem, `${path}:${row.line}`);
    rows.push({ line: row.line, cells: row.cells });
  });
  reader.push(text);
  reader.end();
  return rows;
}
