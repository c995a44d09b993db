import { DomainException, ErrorCode } from '@switchboard/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { z } from 'zod';

/** One attached file, read into memory (bounded by the per-file and per-request limits). */
export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What the widget sends, as JSON or as the `payload` part of a multipart request. */
export const submissionPayloadSchema = z
  .object({
    token: z.string().min(1).max(200),
    idempotencyKey: z.uuid('idempotencyKey must be a UUID'),
    values: z.record(z.string().max(100), z.union([z.string().max(100_000), z.boolean()])).refine((v) => Object.keys(v).length <= 100, {
      message: 'too many values',
    }),
    honeypot: z.string().max(10_000).optional(),
  })
  .strict();
export type SubmissionPayload = z.infer<typeof submissionPayloadSchema>;

export interface ParsedSubmission {
  payload: SubmissionPayload;
  files: UploadedFile[];
}

export interface BodyLimits {
  maxJsonBytes: number;
  maxFiles: number;
  maxFileBytes: number;
  acceptedTypes: readonly string[];
}

const malformed = (why: string) => new DomainException('malformed_body', `malformed submission: ${why}`, 400);
const tooLarge = (why: string) => new DomainException(ErrorCode.PayloadTooLarge, why, 413);
const unsupported = (why: string) => new DomainException('unsupported_media_type', why, 415);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MB`;

/**
 * Reads a submission: `application/json`, or `multipart/form-data` with a `payload` part (the
 * same JSON) and `files` parts. Limits are enforced while reading, so an oversize body is refused
 * (413) without being held in memory; a disallowed file type is a 415 naming the file.
 */
export async function readSubmission(req: Request, limits: BodyLimits): Promise<ParsedSubmission> {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    const raw = await readAll(req, limits.maxJsonBytes);
    return { payload: parsePayload(raw.toString('utf8')), files: [] };
  }
  if (type.startsWith('multipart/form-data')) return readMultipart(req, limits);
  throw unsupported(`send the submission as application/json or multipart/form-data, not ${type || 'a body without Content-Type'}`);
}

function parsePayload(text: string): SubmissionPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw malformed(`not valid JSON (${(err as Error).message})`);
  }
  const result = submissionPayloadSchema.safeParse(json);
  if (!result.success) {
    throw malformed(result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  }
  return result.data;
}

async function readAll(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) {
    req.resume();
    throw tooLarge(`the submission is larger than ${mb(max)}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.resume();
      throw tooLarge(`the submission is larger than ${mb(max)}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function readMultipart(req: Request, limits: BodyLimits): Promise<ParsedSubmission> {
  const maxRequest = limits.maxJsonBytes + limits.maxFiles * (limits.maxFileBytes + 4096);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxRequest) {
    req.resume();
    return Promise.reject(tooLarge(`the submission is larger than ${mb(maxRequest)}`));
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fields: 1, fieldSize: limits.maxJsonBytes, files: limits.maxFiles + 1, fileSize: limits.maxFileBytes, parts: limits.maxFiles + 2 },
        defParamCharset: 'utf8',
      });
    } catch (err) {
      reject(malformed((err as Error).message));
      return;
    }
    let payload: SubmissionPayload | undefined;
    const files: UploadedFile[] = [];
    let failed: DomainException | undefined;
    const fail = (err: DomainException) => {
      if (failed) return;
      failed = err;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };

    bb.on('field', (name, value, info) => {
      if (name !== 'payload') return fail(malformed(`unexpected part "${name}"; send the JSON as "payload" and files as "files"`));
      if (info.valueTruncated) return fail(tooLarge(`the form data is larger than ${mb(limits.maxJsonBytes)}`));
      try {
        payload = parsePayload(value);
      } catch (err) {
        fail(err as DomainException);
      }
    });
    bb.on('file', (name, stream, info) => {
      const filename = info.filename || 'file';
      const contentType = (info.mimeType || 'application/octet-stream').toLowerCase();
      if (failed) return stream.resume();
      if (name !== 'files') {
        stream.resume();
        return fail(malformed(`unexpected file part "${name}"; send files as "files"`));
      }
      if (files.length >= limits.maxFiles) {
        stream.resume();
        return fail(tooLarge(`at most ${limits.maxFiles} files may be attached`));
      }
      if (!limits.acceptedTypes.includes(contentType)) {
        stream.resume();
        return fail(unsupported(`"${filename}" is of type ${contentType}, which is not accepted; allowed: ${limits.acceptedTypes.join(', ')}`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooLarge(`"${filename}" is larger than ${mb(limits.maxFileBytes)}`)));
      stream.on('end', () => {
        if (!failed && !(stream as { truncated?: boolean }).truncated) files.push({ filename, contentType, content: Buffer.concat(chunks) });
      });
    });
    bb.on('filesLimit', () => fail(tooLarge(`at most ${limits.maxFiles} files may be attached`)));
    bb.on('partsLimit', () => fail(tooLarge(`too many parts in the form data`)));
    bb.on('fieldsLimit', () => fail(malformed('only one "payload" part is expected')));
    bb.on('error', (err: Error) => fail(malformed(err.message)));
    bb.on('close', () => {
      if (failed) return;
      if (!payload) return fail(malformed('the "payload" part with the form values is missing'));
      resolve({ payload, files });
    });
    req.on('aborted', () => fail(malformed('the upload was interrupted')));
    req.pipe(bb);
  });
}
