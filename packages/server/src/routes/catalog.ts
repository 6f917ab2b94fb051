import { countParameters, validateCalibration } from '@clearbox/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';

const entries = (name: string) =>
  z
    .array(z.looseObject({ id: z.string() }))
    .openapi(name, { description: 'catalog entries with their sources' });

const hardwareRoute = createRoute({
  method: 'get',
  path: '/api/catalog/hardware',
  tags: ['catalog'],
  summary: 'Devices and their dated sources (clearbox catalog hardware --json)',
  responses: {
    200: { content: { 'application/json': { schema: entries('HardwareList') } }, description: 'devices' },
  },
});

const modelsRoute = createRoute({
  method: 'get',
  path: '/api/catalog/models',
  tags: ['catalog'],
  summary: 'Models with computed parameter counts (clearbox catalog models --json)',
  responses: {
    200: { content: { 'application/json': { schema: entries('ModelList') } }, description: 'models' },
  },
});

const pricesRoute = createRoute({
  method: 'get',
  path: '/api/catalog/prices',
  tags: ['catalog'],
  summary: 'API prices per million tokens with their dated sources',
  responses: {
    200: { content: { 'application/json': { schema: entries('PriceList') } }, description: 'prices' },
  },
});

const validateRoute = createRoute({
  method: 'get',
  path: '/api/validate',
  tags: ['catalog'],
  summary: 'Every published calibration measurement predicted, with errors (clearbox validate --json)',
  responses: {
    200: {
      content: { 'application/json': { schema: z.looseObject({}).openapi('ValidationReport') } },
      description: 'the calibration report',
    },
  },
});

export function catalogRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const catalog = deps.estimator.catalog;
  // The catalog does not change while the server runs: build each answer once.
  const models = catalog.models.map((m) => {
    const p = countParameters(m.architecture);
    return {
      ...m,
      computed: { totalParams: p.total, activeParams: p.active, activeMatmulParams: p.activeMatmul },
    };
  });
  app.openapi(hardwareRoute, (c) => c.json(catalog.devices as never, 200));
  app.openapi(modelsRoute, (c) => c.json(models as never, 200));
  if (catalog.prices.length > 0) app.openapi(pricesRoute, (c) => c.json(catalog.prices as never, 200));
  let report: ReturnType<typeof validateCalibration> | undefined;
  app.openapi(validateRoute, (c) => {
    report ??= validateCalibration(catalog, deps.estimator.calibration);
    return c.json(report as never, 200);
  });
}
