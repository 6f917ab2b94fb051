import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import type { AppDeps } from './deps.ts';
import { accessLog } from './http/access-log.ts';
import { guardJsonBody } from './http/body-guard.ts';
import { limitBody } from './http/body-limit.ts';
import { checkHostAndOrigin } from './http/host-check.ts';
import { errorToProblem, problemResponse, zodIssuesDetail } from './http/problem.ts';
import { guardWrites, securityHeaders } from './http/security.ts';
import { webAppHandler } from './http/web-app.ts';
import { auditRoutes, shippedDisclosures } from './routes/audit.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { decideRoutes } from './routes/decide.ts';
import { discloseRoutes } from './routes/disclose.ts';
import { estimateRoutes } from './routes/estimate.ts';
import { investigateRoutes } from './routes/investigate.ts';
import { investigateLogsRoutes } from './routes/investigate-logs.ts';
import { savedItemRoutes } from './routes/saved-items.ts';
import { watchRoutes } from './routes/watch.ts';

export const apiVersion = '0.1.0';

/**
 * POSTs that only compute and change nothing: open to anyone who can reach the server, like reads.
 * Every other write (saved items) needs the bearer token when one is configured.
 */
export const computePaths: ReadonlySet<string> = new Set([
  '/api/estimate/infer',
  '/api/estimate/train',
  '/api/audit',
  '/api/decide',
  '/api/disclose/check',
  '/api/disclose/report',
  '/api/watch',
  '/api/investigate/overlap',
  '/api/investigate/logs',
]);

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['meta'],
  summary: 'Liveness and what is loaded',
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              status: z.literal('ok'),
              version: z.string(),
              catalog: z.object({ devices: z.number(), models: z.number(), prices: z.number() }),
              webApp: z.boolean(),
            })
            .openapi('Health'),
        },
      },
      description: 'the server is up',
    },
  },
});

/** The whole HTTP API and web app as a Hono app: `app.request(...)` in tests, `startServer` for real. */
export function createApp(deps: AppDeps): OpenAPIHono {
  const errorLog = deps.errorLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = new OpenAPIHono({
    // A body that fails its schema: 400 with every issue and its field path, as the CLI lists them.
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const { detail, where } = zodIssuesDetail(
        result.target === 'json' ? 'body' : result.target,
        result.error,
      );
      return problemResponse(c, 400, detail, { type: 'urn:clearbox:problem:input', where });
    },
  });

  if (deps.accessLog) app.use('*', accessLog(deps.accessLog));
  app.use('*', securityHeaders);
  app.use('*', checkHostAndOrigin({ loopbackOnly: deps.loopbackOnly ?? false }));
  app.use('/api/*', limitBody(deps.maxBodyBytes));
  const refreshPrices = deps.refreshPrices;
  if (refreshPrices)
    app.use('/api/*', async (_c, next) => {
      refreshPrices();
      await next();
    });
  // The body is read (408 when too slow, 400 when nested too deep) before the handler's 504 clock starts.
  app.use('/api/*', guardJsonBody(deps.requestTimeoutMs));
  app.use(
    '/api/*',
    timeout(
      deps.requestTimeoutMs,
      () => new HTTPException(504, { message: `request took longer than ${deps.requestTimeoutMs} ms` }),
    ),
  );
  if (deps.writeToken !== undefined) {
    const guard = guardWrites(deps.writeToken);
    app.use('/api/*', async (c, next) => {
      if (computePaths.has(c.req.path)) {
        await next();
        return undefined;
      }
      return guard(c, next);
    });
  }
  app.onError((error, c) => errorToProblem(error, c, errorLog));

  const catalog = deps.estimator.catalog;
  app.openapi(healthRoute, (c) =>
    c.json(
      {
        status: 'ok' as const,
        version: apiVersion,
        catalog: {
          devices: catalog.devices.length,
          models: catalog.models.length,
          prices: catalog.prices.length,
        },
        webApp: existsSync(join(deps.webDist, 'index.html')),
      },
      200,
    ),
  );
  estimateRoutes(app, deps);
  catalogRoutes(app, deps);
  savedItemRoutes(app, deps);
  auditRoutes(app, deps, deps.referenceDisclosures ?? shippedDisclosures());
  decideRoutes(app, deps);
  discloseRoutes(app, deps);
  watchRoutes(app);
  investigateRoutes(app);
  investigateLogsRoutes(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Clearbox API',
      version: apiVersion,
      description:
        'The economics of AI models with every number explained. The same JSON as the clearbox CLI with --json; errors are RFC 9457 problem+json.',
    },
  });

  const notFound = (c: Context) => problemResponse(c, 404, `no endpoint ${c.req.method} ${c.req.path}`);
  app.all('/api/*', notFound);
  const web = webAppHandler(deps.webDist);
  app.get('*', (c) => web(c));
  app.notFound(notFound);
  return app;
}
