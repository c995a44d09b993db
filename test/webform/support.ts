import { randomUUID } from 'node:crypto';
import type { RunningCore } from '../support/core.js';
import type { ApiClient } from '../support/http.js';

export const PAGE_ORIGIN = 'https://shop.example.com';

/** A form with every kind of field, as an admin would create it through the API. */
export function formBody(key: string, over: Record<string, unknown> = {}) {
  return {
    key,
    title: 'Contact support',
    fields: [
      { name: 'name', label: 'Your name', type: 'text', required: true, order: 1, role: 'name' },
      { name: 'email', label: 'E-mail', type: 'email', required: false, order: 2, role: 'email' },
      { name: 'phone', label: 'Phone', type: 'phone', required: false, order: 3, role: 'phone' },
      { name: 'topic', label: 'Topic', type: 'select', required: false, order: 4, options: ['Billing', 'Technical problem'] },
      { name: 'message', label: 'Message', type: 'textarea', required: true, order: 5, role: 'message' },
      { name: 'consent', label: 'I agree to be contacted', type: 'checkbox', required: false, order: 6 },
    ],
    allowedOrigins: [PAGE_ORIGIN],
    filesAllowed: true,
    ...over,
  };
}

export async function createForm(agent: ApiClient, key: string, over: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await agent.post('/webforms', formBody(key, over));
  if (res.status !== 201) throw new Error(`creating form ${key} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function openSession(base: string, key: string): Promise<string> {
  const res = await fetch(`${base}/forms/${key}/sessions`, { method: 'POST', headers: { origin: PAGE_ORIGIN } });
  if (res.status !== 201) throw new Error(`session for ${key}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Sent {
  status: number;
  body: any;
  headers: Headers;
}

/** Sends a submission as the widget does: JSON, or multipart when there are files. */
export async function submit(
  base: string,
  key: string,
  values: Record<string, string | boolean>,
  opts: { token?: string; idempotencyKey?: string; honeypot?: string; files?: { name: string; type: string; content: Buffer }[]; origin?: string | null } = {},
): Promise<Sent> {
  const payload = {
    token: opts.token ?? (await openSession(base, key)),
    idempotencyKey: opts.idempotencyKey ?? randomUUID(),
    values,
    ...(opts.honeypot !== undefined ? { honeypot: opts.honeypot } : {}),
  };
  const headers: Record<string, string> = {};
  if (opts.origin !== null) headers.origin = opts.origin ?? PAGE_ORIGIN;
  let body: string | FormData;
  if (opts.files) {
    const form = new FormData();
    form.append('payload', JSON.stringify(payload));
    for (const f of opts.files) form.append('files', new Blob([new Uint8Array(f.content)], { type: f.type }), f.name);
    body = form;
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(payload);
  }
  const res = await fetch(`${base}/forms/${key}/submissions`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function counts(core: RunningCore): Promise<{ tickets: number; messages: number; attachments: number }> {
  const [row] = await core.ds.query(
    `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM attachments)::int AS attachments`,
  );
  return row;
}
