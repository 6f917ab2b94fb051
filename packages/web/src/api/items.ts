/**
 * Saved items on the Clearbox server (`/api/scenarios`, `/api/disclosures`, `/api/claim-sets`,
 * `/api/reports`): every edit is a new revision, nothing is overwritten. Errors come back as RFC 9457
 * problem+json; their `detail` is the message to show.
 */
import { readAnswer } from './answer.ts';

export type ItemCollection = 'scenarios' | 'disclosures' | 'claim-sets' | 'reports';

export interface SavedItemSummary {
  id: string;
  name: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  source?: string;
}

export interface SavedItem extends SavedItemSummary {
  content: unknown;
}

export class ApiError extends Error {}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(
      'the Clearbox server cannot be reached (saving needs `npm start` or `clearbox serve`)',
    );
  }
  const { data, problem } = await readAnswer(
    response,
    `${method} ${path} failed with HTTP ${response.status}`,
  );
  if (problem !== undefined) throw new ApiError(problem);
  return data as T;
}

export const listItems = (collection: ItemCollection) =>
  call<SavedItemSummary[]>('GET', `/api/${collection}`);
export const getItem = (collection: ItemCollection, id: string) =>
  call<SavedItem>('GET', `/api/${collection}/${encodeURIComponent(id)}`);
export const createItem = (collection: ItemCollection, name: string, content: unknown) =>
  call<SavedItem>('POST', `/api/${collection}`, { name, content });
export const updateItem = (collection: ItemCollection, id: string, content: unknown, baseRevision: number) =>
  call<SavedItem>('PUT', `/api/${collection}/${encodeURIComponent(id)}`, { content, baseRevision });
