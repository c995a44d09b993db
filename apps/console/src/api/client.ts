import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, isSessionExpired, toApiError } from '../lib/api-error';
import type { paths } from './schema';
import type { LoginResult, TicketDetail, TicketPage } from './types';

/** Typed requests to core (paths and bodies from the generated schema.d.ts). */
export const client = createClient<paths>({ baseUrl: '' });

let token: string | null = null;
let onExpired: (() => void) | null = null;

/** The token sent with every call, and what to do when core says it is no longer good (401). */
export function configureClient(next: { token: string | null; onExpired?: () => void }): void {
  token = next.token;
  if (next.onExpired) onExpired = next.onExpired;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};
client.use(auth);

/** The answer's data, or an ApiError; a 401 (but for the login) also ends the session. */
export async function call<T>(path: string, run: () => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run();
  } catch {
    throw toApiError(0, null);
  }
  if (!result.response.ok) {
    const err = toApiError(result.response.status, result.error);
    if (isSessionExpired(err, path)) onExpired?.();
    throw err;
  }
  return result.data as T;
}

/** openapi-fetch would serialize `query` itself, but core's query parameters are not in its OpenAPI document. */
const withQuery = (query: Record<string, string>) => () => new URLSearchParams(query).toString();

export const api = {
  login: (email: string, password: string) =>
    call<LoginResult>('/api/v1/auth/login', () => client.POST('/api/v1/auth/login', { body: { email, password } })),

  tickets: (query: Record<string, string>) =>
    call<TicketPage>('/api/v1/tickets', () => client.GET('/api/v1/tickets', { querySerializer: withQuery(query) })),

  ticket: (id: string) => call<TicketDetail>('/api/v1/tickets/{id}', () => client.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),

  setStatus: (id: string, status: string, onHoldUntil?: string) =>
    call<unknown>('/api/v1/tickets/{id}', () =>
      client.PATCH('/api/v1/tickets/{id}', { params: { path: { id } }, body: { status, ...(onHoldUntil ? { onHoldUntil } : {}) } }),
    ),

  addMessage: (id: string, body: string, visibility: 'public' | 'internal') =>
    call<unknown>('/api/v1/tickets/{id}/messages', () =>
      client.POST('/api/v1/tickets/{id}/messages', { params: { path: { id } }, body: { body, visibility } }),
    ),

  /** The agent has the ticket open: its list row stops being `unseen` for them. */
  seen: (id: string) => call<unknown>('/api/v1/tickets/{id}/seen', () => client.POST('/api/v1/tickets/{id}/seen', { params: { path: { id } } })),

  retry: (id: string, messageId: string) =>
    call<unknown>('/api/v1/tickets/{id}/messages/{messageId}/retry', () =>
      client.POST('/api/v1/tickets/{id}/messages/{messageId}/retry', { params: { path: { id, messageId } } }),
    ),

  escalate: (id: string, note: string) =>
    call<unknown>('/api/v1/tickets/{id}/escalate', () => client.POST('/api/v1/tickets/{id}/escalate', { params: { path: { id } }, body: { note } })),

  /** An attachment as a blob (downloads need the Authorization header, so a plain link would not do). */
  async attachment(url: string): Promise<Blob> {
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }).catch(() => {
      throw toApiError(0, null);
    });
    if (!res.ok) {
      const err = toApiError(res.status, await res.json().catch(() => null));
      if (isSessionExpired(err, url)) onExpired?.();
      throw err;
    }
    return res.blob();
  },
};

export { ApiError };

/**
 * A JSON call for the admin screens, whose bodies are built at run time from field descriptions.
 * A failure is an ApiError that keeps core's validation `details` (`[{ path, message }]`).
 */
export async function rawCall<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch(() => {
    throw toApiError(0, null);
  });
  const json: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = toApiError(res.status, json);
    const details = (json as { error?: { details?: unknown } } | null)?.error?.details;
    if (Array.isArray(details)) Object.assign(err, { details });
    if (isSessionExpired(err, url)) onExpired?.();
    throw err;
  }
  return json as T;
}
