/**
 * `npm start`: the server with the defaults (127.0.0.1:8080, ./.clearbox/clearbox.db), overridable by
 * HOST, PORT, CLEARBOX_DB, CLEARBOX_TOKEN and CLEARBOX_MAX_BODY. `clearbox serve` is the same with flags.
 */
import { ClearboxError } from '@clearbox/core';
import { serverOptionsFromEnv, startServer } from './start.ts';

try {
  const server = await startServer(serverOptionsFromEnv(process.env));
  process.stderr.write(
    `clearbox: serving ${server.url} (store ${server.dbPath}${server.preloaded ? `, ${server.preloaded} reference items preloaded` : ''})\n`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof ClearboxError)) throw error;
  process.stderr.write(`clearbox: error: ${error.message}\n`);
  process.exitCode = 2;
}
