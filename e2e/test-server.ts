import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@clearbox/server';
import { webDistDir } from '@clearbox/web';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The real server (`clearbox serve`) on a free loopback port, serving the just-built app, with a
 * throwaway SQLite file (WAL needs a real file, not :memory:) preloaded like a fresh install.
 */
export async function startTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'clearbox-e2e-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: join(dir, 'clearbox.db'),
    webDist: webDistDir,
    accessLog: () => {},
  });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
