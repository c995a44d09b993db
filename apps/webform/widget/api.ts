/*
 * Client of the web form service: the form's definition, a fill session, the submission and its
 * status. Never throws: every call resolves to a result, `status: 0` meaning the network failed.
 */
import {
  WEBFORM_FIELD_ROLES,
  WEBFORM_FIELD_TYPES,
  WEBFORM_HONEYPOT_FIELD,
  type PublicWebform,
  type WebformField,
} from '../../../libs/contracts/src/webform.js';

export interface ApiFailure {
  ok: false;
  /** HTTP status; 0 when no answer came (network error, timeout, CORS refusal). */
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** Seconds from a 429's Retry-After header. */
  retryAfter?: number;
}
export type ApiResult = { ok: true; status: number; data: unknown } | ApiFailure;

export interface SubmissionPayload {
  token: string;
  idempotencyKey: string;
  values: Record<string, string | boolean>;
  honeypot: string;
}

/** What a submission (or its status) answered: a ticket number, or only a reference so far. */
export interface SubmissionOutcome {
  ticketNumber?: string;
  reference?: string;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && isFinite(v) && v >= 0 ? v : undefined);

export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<ApiResult> {
  const ctrl = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = ctrl && setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { ...init, credentials: 'omit', mode: 'cors', signal: ctrl?.signal });
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (res.ok) return { ok: true, status: res.status, data: body };
    const error = isObj(body) && isObj(body.error) ? body.error : {};
    return {
      ok: false,
      status: res.status,
      code: str(error.code),
      message: str(error.message),
      details: error.details,
      retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
    };
  } catch {
    return { ok: false, status: 0, code: 'network_error', message: '' };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Reads a submission answer (201/202 body or the status endpoint's). */
export function readOutcome(data: unknown): SubmissionOutcome {
  if (!isObj(data)) return {};
  const n = data.ticketNumber;
  return {
    ticketNumber: data.status !== 'accepted' && (typeof n === 'number' || (typeof n === 'string' && n)) ? String(n) : undefined,
    reference: str(data.reference) || undefined,
  };
}

function readField(v: unknown): WebformField | undefined {
  if (!isObj(v) || typeof v.name !== 'string' || !v.name) return undefined;
  const type = WEBFORM_FIELD_TYPES.find((t) => t === v.type);
  if (!type) return undefined;
  return {
    name: v.name,
    label: str(v.label) || v.name,
    type,
    required: v.required === true,
    order: typeof v.order === 'number' && isFinite(v.order) ? v.order : 0,
    options: Array.isArray(v.options) ? v.options.filter((o): o is string => typeof o === 'string') : undefined,
    maxLength: num(v.maxLength),
    placeholder: str(v.placeholder) || undefined,
    role: WEBFORM_FIELD_ROLES.find((r) => r === v.role),
  };
}

/** Validates the shape of `GET /forms/:key` and fills gaps with defaults; undefined if unusable. */
export function readForm(data: unknown, key: string): PublicWebform | undefined {
  if (!isObj(data) || !Array.isArray(data.fields)) return undefined;
  const colors = isObj(data.colors) ? data.colors : {};
  const files = isObj(data.files) ? data.files : {};
  return {
    key: str(data.key) || key,
    title: str(data.title) || 'Contact us',
    introText: str(data.introText),
    buttonLabel: str(data.buttonLabel) || 'Send',
    launcherLabel: str(data.launcherLabel) || 'Contact us',
    successMessage: str(data.successMessage) || 'Thank you! We have received your request.',
    colors: { primary: str(colors.primary), text: str(colors.text), background: str(colors.background) },
    position: data.position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    fields: data.fields.map(readField).filter((f): f is WebformField => !!f),
    files: {
      allowed: files.allowed === true,
      maxFiles: num(files.maxFiles) ?? 0,
      maxFileBytes: num(files.maxFileBytes) ?? 0,
      acceptedTypes: Array.isArray(files.acceptedTypes) ? files.acceptedTypes.filter((t): t is string => typeof t === 'string') : [],
    },
    honeypotField: str(data.honeypotField) || WEBFORM_HONEYPOT_FIELD,
  };
}

export interface Api {
  form(): Promise<ApiResult>;
  session(): Promise<ApiResult>;
  submit(payload: SubmissionPayload, files: readonly File[]): Promise<ApiResult>;
  status(reference: string): Promise<ApiResult>;
}

export function createApi(base: string, key: string): Api {
  const root = `${base}/forms/${encodeURIComponent(key)}`;
  const accept = { Accept: 'application/json' };
  return {
    form: () => call(root, { method: 'GET', headers: accept }, 15_000),
    // No body and no custom header: a simple CORS request, no preflight.
    session: () => call(`${root}/sessions`, { method: 'POST', headers: accept }, 15_000),
    submit(payload, files) {
      const json = JSON.stringify(payload);
      if (!files.length) {
        return call(`${root}/submissions`, { method: 'POST', headers: { ...accept, 'Content-Type': 'application/json' }, body: json }, 30_000);
      }
      const body = new FormData();
      body.append('payload', json);
      for (const file of files) body.append('files', file, file.name);
      return call(`${root}/submissions`, { method: 'POST', headers: accept, body }, 180_000);
    },
    status: (reference) => call(`${root}/submissions/${encodeURIComponent(reference)}`, { method: 'GET', headers: accept }, 15_000),
  };
}
