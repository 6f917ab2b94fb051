import type { SavedItemKind } from '@clearbox/store';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { problemContent } from '../http/problem.ts';

/** The collection path of each kind of saved item. */
export const itemCollections: ReadonlyArray<[path: string, kind: SavedItemKind, title: string]> = [
  ['scenarios', 'scenario', 'Scenario'],
  ['disclosures', 'disclosure', 'Disclosure'],
  ['claim-sets', 'claim-set', 'ClaimSet'],
  ['reports', 'report', 'Report'],
];

const summarySchema = z
  .object({
    id: z.string(),
    kind: z.enum(['scenario', 'disclosure', 'claim-set', 'report']),
    name: z.string(),
    revision: z.number().int(),
    source: z.string().optional().openapi({ description: 'the reference file a preloaded item came from' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SavedItemSummary');
const itemSchema = summarySchema.extend({ content: z.unknown() }).openapi('SavedItem');
const revisionSchema = z
  .object({ revision: z.number().int(), name: z.string(), createdAt: z.string() })
  .openapi('SavedRevision');
const createSchema = z
  .strictObject({ name: z.string().min(1), content: z.unknown().openapi({ description: 'any JSON value' }) })
  .openapi('NewSavedItem');
const updateSchema = z
  .strictObject({
    content: z.unknown(),
    name: z.string().min(1).optional(),
    baseRevision: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'refuse (409) unless this is still the latest revision' }),
  })
  .openapi('SavedItemUpdate');
const idParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const revisionParams = idParams.extend({
  revision: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'revision', in: 'path' }, type: 'integer' }),
});

const json = <S extends z.ZodType>(schema: S) => ({ 'application/json': { schema } }) as const;
const bad = { content: problemContent, description: 'invalid request' } as const;
const missing = { content: problemContent, description: 'no such item' } as const;
const unauthorized = { content: problemContent, description: 'bearer token missing or wrong' } as const;

function routesFor(path: string, title: string) {
  const base = `/api/${path}`;
  const tags = ['saved items'];
  return {
    list: createRoute({
      method: 'get',
      path: base,
      tags,
      summary: `List ${title} items (latest revision of each)`,
      responses: { 200: { content: json(z.array(summarySchema)), description: 'items, newest first' } },
    }),
    create: createRoute({
      method: 'post',
      path: base,
      tags,
      summary: `Save a new ${title}`,
      request: { body: { required: true, content: json(createSchema) } },
      responses: {
        201: { content: json(itemSchema), description: 'the item at revision 1' },
        400: bad,
        401: unauthorized,
      },
    }),
    get: createRoute({
      method: 'get',
      path: `${base}/{id}`,
      tags,
      summary: `The latest revision of a ${title}`,
      request: { params: idParams },
      responses: { 200: { content: json(itemSchema), description: 'the item' }, 404: missing },
    }),
    update: createRoute({
      method: 'put',
      path: `${base}/{id}`,
      tags,
      summary: `Save a new revision of a ${title} (earlier revisions are kept)`,
      request: { params: idParams, body: { required: true, content: json(updateSchema) } },
      responses: {
        200: { content: json(itemSchema), description: 'the item at its new revision' },
        400: bad,
        401: unauthorized,
        404: missing,
        409: { content: problemContent, description: 'baseRevision is no longer the latest' },
      },
    }),
    remove: createRoute({
      method: 'delete',
      path: `${base}/{id}`,
      tags,
      summary: `Delete a ${title} with all its revisions`,
      request: { params: idParams },
      responses: { 204: { description: 'deleted' }, 401: unauthorized, 404: missing },
    }),
    revisions: createRoute({
      method: 'get',
      path: `${base}/{id}/revisions`,
      tags,
      summary: `Every revision of a ${title}`,
      request: { params: idParams },
      responses: {
        200: { content: json(z.array(revisionSchema)), description: 'revisions, oldest first' },
        404: missing,
      },
    }),
    revision: createRoute({
      method: 'get',
      path: `${base}/{id}/revisions/{revision}`,
      tags,
      summary: `A ${title} as it was at one revision`,
      request: { params: revisionParams },
      responses: {
        200: { content: json(itemSchema), description: 'the item at that revision' },
        404: missing,
      },
    }),
  };
}

export function savedItemRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const items = deps.items;
  for (const [path, kind, title] of itemCollections) {
    const r = routesFor(path, title);
    app.openapi(r.list, (c) => c.json(items.list(kind), 200));
    app.openapi(r.create, (c) => {
      const body = c.req.valid('json');
      const item = items.create(kind, { name: body.name, content: body.content });
      c.header('Location', `/api/${path}/${item.id}`);
      return c.json(item as never, 201);
    });
    app.openapi(r.get, (c) => c.json(items.get(kind, c.req.valid('param').id) as never, 200));
    app.openapi(r.update, (c) => {
      const body = c.req.valid('json');
      const change: Parameters<typeof items.update>[2] = { content: body.content };
      if (body.name !== undefined) change.name = body.name;
      if (body.baseRevision !== undefined) change.baseRevision = body.baseRevision;
      return c.json(items.update(kind, c.req.valid('param').id, change) as never, 200);
    });
    app.openapi(r.remove, (c) => {
      items.delete(kind, c.req.valid('param').id);
      return c.body(null, 204);
    });
    app.openapi(r.revisions, (c) => c.json(items.revisions(kind, c.req.valid('param').id), 200));
    app.openapi(r.revision, (c) => {
      const p = c.req.valid('param');
      return c.json(items.revision(kind, p.id, p.revision) as never, 200);
    });
  }
}
