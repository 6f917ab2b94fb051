import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chdb } from '../src/native.ts';

/**
 * ClickHouse's HTTP interface (the part @clickhouse/client 1.23.1 speaks), served by the ClickHouse
 * engine embedded in chdb: every statement is the client's own SQL, run by the real engine; only the
 * transport is local. No ClickHouse server is reachable from this machine and Debian's is 18.16 (too old
 * for the SQL), so this is how the `--clickhouse-url` path runs end to end in the tests.
 *
 * What the client sends (read in its source, node_base_connection.js and client-common/utils/url.js):
 * - `GET /ping` answered `Ok.`;
 * - `POST /` with the statement as the body (query and command; `query` appends `FORMAT <format>`), or
 *   for an insert the statement `INSERT INTO t FORMAT <format>` in the `query` URL parameter and the
 *   data as the body; ClickHouse reads the statement as the `query` parameter followed by the body;
 * - URL parameters `query_id`, `database` (the current database of that request), `session_id`, and
 *   every other parameter a setting of that request only (`clickhouse_settings`); `param_<name>` are
 *   query parameters, which Clearbox never sends (refused here rather than half implemented);
 * - `enable_http_compression=1` with `Accept-Encoding: gzip` asks for a gzip response.
 * Errors are a non-2xx status with ClickHouse's own `Code: N. DB::Exception: ... (TYPE)` text, which the
 * client parses, and the `X-ClickHouse-Exception-Code` header.
 */
export interface ChdbHttpServer {
  url: string;
  /** Every statement the engine ran, in order (settings and database switches excluded). */
  statements: string[];
  /** The folder relative file() paths resolve in (the server's user_files_path). */
  userFiles: string;
  close(): Promise<void>;
}

/** Parameters that are part of the protocol, not settings. */
const protocolParameters = new Set([
  'query',
  'query_id',
  'database',
  'session_id',
  'session_timeout',
  'session_check',
  'default_format',
  'user',
  'password',
  'quota_key',
  'role',
  'enable_http_compression',
  'wait_end_of_query',
]);

const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const identifier = (name: string) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startChdbHttpServer(): Promise<ChdbHttpServer> {
  const folder = mkdtempSync(join(tmpdir(), 'clearbox-chdb-http-'));
  const userFiles = join(folder, 'user_files');
  mkdirSync(userFiles);
  const { Session } = chdb();
  const session = new Session(join(folder, 'data'));
  // A server resolves relative file() paths (Clearbox's CSV errors file) in its user_files_path; the
  // embedded engine, like clickhouse-local, in the working directory at query time: the server's own
  // folder while it runs (test files run in forked processes, where chdir is allowed).
  const cwd = process.cwd();
  process.chdir(userFiles);
  const statements: string[] = [];
  let uploads = 0;
  // One statement at a time: a request's settings and database are switched around its statement.
  let queue: Promise<unknown> = Promise.resolve();

  async function execute(url: URL, body: Buffer): Promise<{ bytes: Uint8Array; rows: number }> {
    const params = url.searchParams;
    if ([...params.keys()].some((k) => k.startsWith('param_')))
      throw new Error(
        'Code: 48. DB::Exception: query parameters are not served by this test server. (NOT_IMPLEMENTED)',
      );
    const settings = [...params.entries()].filter(([k]) => !protocolParameters.has(k));
    let sql = `${params.get('query') ?? ''}${params.has('query') && body.length > 0 ? '\n' : ''}`;
    const insert = /^\s*(INSERT\s+INTO\s+[\s\S]+?)\s+FORMAT\s+(\w+)\s*$/i.exec(params.get('query') ?? '');
    if (insert && body.length > 0) {
      // The data after `INSERT ... FORMAT f`: the embedded engine reads it from a file (FROM INFILE).
      const data = join(folder, `upload-${uploads++}`);
      writeFileSync(data, body);
      sql = `${insert[1]} FROM INFILE ${literal(data)} FORMAT ${insert[2]}`;
    } else sql += body.toString('utf8');
    const database = params.get('database');
    const run = async (statement: string, format = 'TabSeparated') =>
      session.queryAsync(statement, { format });
    for (const [k, v] of settings) await run(`SET ${identifier(k)} = ${literal(v)}`);
    if (database) await run(`USE ${identifier(database)}`);
    try {
      statements.push(sql.trim());
      const result = await run(sql, params.get('default_format') ?? 'TabSeparated');
      return { bytes: result.bytes(), rows: result.rowsRead };
    } finally {
      if (database) await run('USE default');
      for (const [k] of settings) await run(`SET ${identifier(k)} = DEFAULT`);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);
    if (url.pathname === '/ping') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname !== '/') {
      response.writeHead(404).end('Code: 0. DB::Exception: There is no handle for this path. (UNKNOWN)\n');
      return;
    }
    const queryId = url.searchParams.get('query_id') ?? '';
    const done = queue.then(() => execute(url, body));
    queue = done.catch(() => undefined);
    try {
      const { bytes, rows } = await done;
      const gzip =
        url.searchParams.get('enable_http_compression') === '1' &&
        /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      response.writeHead(200, {
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Summary': JSON.stringify({ read_rows: String(rows) }),
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
      response.end(gzip ? gzipSync(bytes) : bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = /^Code: (\d+)\./.exec(message)?.[1] ?? '1001';
      response
        .writeHead(code === '60' ? 404 : 500, {
          'X-ClickHouse-Query-Id': queryId,
          'X-ClickHouse-Exception-Code': code,
          'Content-Type': 'text/plain; charset=UTF-8',
        })
        .end(`${message}\n`);
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(`Code: 1001. DB::Exception: ${String(error)}. (STD_EXCEPTION)\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statements,
    userFiles,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      session.close();
      process.chdir(cwd);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
