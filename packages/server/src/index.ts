/** The Clearbox HTTP API and web-app server. */

/** Build the app (for `app.request` in tests) or start a listening server. */
export { apiVersion, computePaths, createApp } from './app.ts';
export { type AppDeps, defaultMaxBodyBytes, defaultRequestTimeoutMs } from './deps.ts';
export {
  defaultDbPath,
  defaultHost,
  defaultPort,
  defaultWebDist,
  isLoopback,
  type RunningServer,
  type ServerOptions,
  serverOptionsFromEnv,
  startServer,
} from './start.ts';

export {
  checkServeNumbers,
  type ServeNumbers,
  serveNumberEnv,
  serveNumberFlags,
  serveNumbersSchema,
} from './schemas/serve-options.ts';

/** Errors as RFC 9457 problem+json; security headers. */
export { type Problem, problemSchema } from './http/problem.ts';
export { contentSecurityPolicy } from './http/security.ts';
