import type { Command } from 'commander';
import type { Io } from '../io.ts';
import { parseByteSize, parseInteger } from '../options.ts';

interface Flags {
  host?: string;
  port?: string;
  db?: string;
  maxBody?: string;
}

/**
 * `clearbox serve`: the HTTP API and web app on the embedded SQLite store. Flags override the
 * environment (HOST, PORT, CLEARBOX_DB, CLEARBOX_MAX_BODY); the token for writes beyond loopback comes
 * only from CLEARBOX_TOKEN, never a flag, so it does not show up in the process list or shell history.
 */
export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('serve the web app and HTTP API (OpenAPI at /openapi.json) on an embedded SQLite store')
    .option('--host <address>', 'address to bind (env HOST; default 127.0.0.1; others need CLEARBOX_TOKEN)')
    .option('--port <n>', 'port (env PORT; default 8080; 0 picks a free one)')
    .option(
      '--db <path>',
      'SQLite file, created with its folder (env CLEARBOX_DB; default ./.clearbox/clearbox.db)',
    )
    .option(
      '--max-body <bytes>',
      'largest request body accepted, bytes or a size such as 8MB (env CLEARBOX_MAX_BODY; default 5242880 = 5 MiB)',
    )
    .action(async (flags: Flags) => {
      // The server (Hono, SQLite) loads only for this command: the other commands stay quick to start.
      const { checkServeNumbers, serverOptionsFromEnv, startServer } = await import('@clearbox/server');
      const options = serverOptionsFromEnv(process.env);
      if (flags.host !== undefined) options.host = flags.host;
      if (flags.db !== undefined) options.dbPath = flags.db;
      // The flags pass the schema the environment passes (server's serve-options), named as flags.
      Object.assign(
        options,
        checkServeNumbers({
          ...(flags.port === undefined ? {} : { port: parseInteger('--port', flags.port) }),
          ...(flags.maxBody === undefined
            ? {}
            : { maxBodyBytes: parseByteSize('--max-body', flags.maxBody) }),
        }),
      );
      const server = await startServer(options);
      io.err(
        `clearbox: serving ${server.url} (store ${server.dbPath}${server.preloaded ? `, ${server.preloaded} reference items preloaded` : ''}); Ctrl-C stops\n`,
      );
      const stop = () => {
        void server.close().then(() => {
          process.exitCode = 0;
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
