import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEstimator, echo, InputError } from '@clearbox/core';
import {
  layeredCatalog,
  loadShippedCalibration,
  loadShippedCatalog,
  openDatabase,
  PriceTableStore,
  preloadReferenceItems,
  SavedItemStore,
} from '@clearbox/store';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from './app.ts';
import { type AppDeps, defaultMaxBodyBytes, defaultRequestTimeoutMs } from './deps.ts';
import { checkServeNumbers, type ServeNumbers, serveNumberEnv } from './schemas/serve-options.ts';

/** Where the web engineer's `npm run build -w @clearbox/web` writes the app. */
export const defaultWebDist = resolve(fileURLToPath(new URL('../../web/dist', import.meta.url)));
export const defaultDbPath = '.clearbox/clearbox.db';
export const defaultHost = '127.0.0.1';
export const defaultPort = 8080;

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** SQLite file, created with its folder; `:memory:` for a throwaway store. */
  dbPath?: string;
  /** Bearer token for writes; required when `host` is not a loopback address. */
  token?: string;
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  webDist?: string;
  /** Folder with disclosures/ and claims/ to preload (default: the shipped packages/core/data). */
  dataDir?: string;
  /** Access log sink (one JSON line per request); default stdout. */
  accessLog?: (line: string) => void;
  errorLog?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  dbPath: string;
  app: OpenAPIHono;
  /** Items saved from the reference files on this start (empty when they were loaded before). */
  preloaded: number;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Reads HOST, PORT, CLEARBOX_DB, CLEARBOX_TOKEN, CLEARBOX_MAX_BODY, CLEARBOX_TIMEOUT_MS; errors name the variable. */
export function serverOptionsFromEnv(env: Record<string, string | undefined>): ServerOptions {
  const out: ServerOptions = {};
  const number = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text.trim() === '') return undefined;
    if (!/^\s*\d+\s*$/.test(text)) throw new InputError(`expected a whole number, got ${echo(text)}`, name);
    return Number(text);
  };
  if (env.HOST) out.host = env.HOST;
  if (env.CLEARBOX_DB) out.dbPath = env.CLEARBOX_DB;
  if (env.CLEARBOX_TOKEN) out.token = env.CLEARBOX_TOKEN;
  const given: ServeNumbers = {};
  const port = number(serveNumberEnv.port);
  if (port !== undefined) given.port = port;
  const maxBody = number(serveNumberEnv.maxBodyBytes);
  if (maxBody !== undefined) given.maxBodyBytes = maxBody;
  const timeoutMs = number(serveNumberEnv.requestTimeoutMs);
  if (timeoutMs !== undefined) given.requestTimeoutMs = timeoutMs;
  return { ...out, ...checkServeNumbers(given, serveNumberEnv) };
}

/**
 * Opens the store (migrating it), preloads the reference items once, fits the estimator once, and
 * listens. Refuses to listen beyond loopback without a token: the store would be writable by anyone.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? defaultHost;
  const port = options.port ?? defaultPort;
  if (!isLoopback(host) && !options.token)
    throw new InputError(
      `binding to ${host} makes the server reachable from other machines: set CLEARBOX_TOKEN so that writes need a bearer token`,
      '--host',
    );
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  // Options built in code (tests, embedders) pass the same schema as flags and the environment.
  checkServeNumbers({ port, maxBodyBytes, requestTimeoutMs });

  const dbPath = options.dbPath ?? defaultDbPath;
  const db = openDatabase(dbPath);
  try {
    const items = new SavedItemStore(db);
    const preloaded = preloadReferenceItems(items, ...(options.dataDir ? [options.dataDir] : [])).length;
    const priceTables = new PriceTableStore(db);
    let priceRevision = priceTables.revision();
    const base = loadShippedCatalog();
    const estimator = createEstimator(layeredCatalog(base, priceTables.latest()), loadShippedCalibration);
    // Prices do not enter calibration: a newer table replaces the catalog's price list in place, and
    // every route (which holds the catalog) sees it on its next request.
    const refreshPrices = () => {
      const revision = priceTables.revision();
      if (revision === priceRevision) return;
      priceRevision = revision;
      const next = layeredCatalog(base, priceTables.latest());
      estimator.catalog.prices = next.prices;
      if (next.priceLayering) estimator.catalog.priceLayering = next.priceLayering;
    };
    const deps: AppDeps = {
      estimator,
      refreshPrices,
      items,
      maxBodyBytes,
      requestTimeoutMs,
      loopbackOnly: isLoopback(host),
      webDist: options.webDist ?? defaultWebDist,
      accessLog: options.accessLog ?? ((line) => process.stdout.write(line)),
    };
    if (options.token) deps.writeToken = options.token;
    if (options.errorLog) deps.errorLog = options.errorLog;
    const app = createApp(deps);

    const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
      const s = serve({ fetch: app.fetch, hostname: host, port }, () => done(s));
      s.once('error', (error: NodeJS.ErrnoException) =>
        fail(
          error.code === 'EADDRINUSE'
            ? new InputError(
                `port ${port} on ${host} is already in use: pick another with --port or PORT`,
                '--port',
              )
            : error,
        ),
      );
    });
    // Slow or stalled clients cannot hold a connection forever.
    const http = server as import('node:http').Server;
    http.requestTimeout = requestTimeoutMs;
    http.headersTimeout = Math.min(requestTimeoutMs, 60_000);
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    let closed = false;
    return {
      url: `http://${urlHost}:${address.port}`,
      host: address.address,
      port: address.port,
      dbPath,
      app,
      preloaded,
      close: () =>
        new Promise<void>((done) => {
          if (closed) return done();
          closed = true;
          http.closeAllConnections();
          server.close(() => {
            db.close();
            done();
          });
        }),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
