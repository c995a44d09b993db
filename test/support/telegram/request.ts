/**
 * Reading Bot API requests for the emulator (bot-api-emulator.ts). The Bot API takes parameters
 * from the query string and from a JSON, `application/x-www-form-urlencoded` or
 * `multipart/form-data` body (the body wins). In a form, every value is a string and objects such
 * as reply_markup are JSON strings; in JSON they are typed. Params reads both alike:
 *
 *   const request = await readApiRequest(req, url);
 *   request.params.integer('chat_id');   // 42 from 42 or "42"
 *   request.params.json('reply_markup', "can't parse reply keyboard markup JSON object");
 *   request.params.file('document');     // an uploaded file part, if there is one
 *
 * Errors are ApiErrors: the error_code and description the emulator answers with.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** A Bot API error response: `{ ok: false, error_code, description, parameters? }`, HTTP status = error_code. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string) => new ApiError(403, `Forbidden: ${what}`);

/** A file part of a multipart request. */
export interface UploadedFile {
  /** The form field it came in, e.g. 'photo' or 'document'. */
  field: string;
  fileName: string | undefined;
  /** The part's Content-Type as busboy reports it (`text/plain` when the part has none). */
  declaredType: string;
  bytes: Buffer;
}

/** Typed access to a request's parameters, whether they came as form strings or JSON values. */
export class Params {
  constructor(
    /** The parameters as received (strings from forms and query strings, JSON values from JSON). */
    readonly values: Record<string, unknown>,
    readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  /** True if the parameter is present and not null/empty. */
  has(name: string): boolean {
    const value = this.values[name];
    return value !== undefined && value !== null && value !== '';
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  /** An integer, from a number or a decimal string; `invalid` is the description if it is neither. */
  integer(name: string, invalid = `invalid ${name} specified`): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
    throw badRequest(invalid);
  }

  float(name: string, invalid = `invalid ${name} specified`): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isFinite(number)) throw badRequest(invalid);
    return number;
  }

  /** true for true / "true" / "1" / 1; false for anything else that is present. */
  boolean(name: string): boolean | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    return value === true || value === 1 || value === 'true' || value === '1' || value === 'True';
  }

  /** A JSON object or array: given as such, or as a JSON string (forms); `invalid` if unparseable. */
  json(name: string, invalid: string): unknown {
    const value = this.values[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      throw badRequest(invalid);
    }
  }

  file(name: string): UploadedFile | undefined {
    return this.files.get(name);
  }
}

/** Uploads of up to 50 MB (the Bot API's limit for bots), plus room for the other fields. */
export const MAX_REQUEST_BYTES = 51 * 1024 * 1024;

/** Reads the query string and the body of a request into Params. */
export async function readApiRequest(req: IncomingMessage, url: URL): Promise<Params> {
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return new Params(values);
  if (type.startsWith('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw badRequest("can't parse JSON object");
    return new Params({ ...values, ...(json as Record<string, unknown>) });
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return new Params({ ...values, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) });
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await parseMultipart(req, body);
    return new Params({ ...values, ...form.fields }, form.files);
  }
  // The Bot API ignores a body it cannot read.
  return new Params(values);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
    req.resume();
    throw new ApiError(413, 'Request Entity Too Large');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      req.resume();
      throw new ApiError(413, 'Request Entity Too Large');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseMultipart(req: IncomingMessage, body: Buffer): Promise<{ fields: Record<string, string>; files: Map<string, UploadedFile> }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files = new Map<string, UploadedFile>();
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fieldSize: MAX_REQUEST_BYTES } });
    } catch (err) {
      reject(badRequest(`can't parse multipart/form-data: ${(err as Error).message}`));
      return;
    }
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        files.set(name, { field: name, fileName: info.filename || undefined, declaredType: info.mimeType, bytes: Buffer.concat(chunks) });
      });
    });
    bb.on('error', (err: Error) => reject(badRequest(`can't parse multipart/form-data: ${err.message}`)));
    bb.on('close', () => resolve({ fields, files }));
    bb.end(body);
  });
}
