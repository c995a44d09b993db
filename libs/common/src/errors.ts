import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/** Stable, documented error codes of the HTTP APIs. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  IllegalTransition = 'illegal_status_transition',
  NoReachableChannel = 'no_reachable_channel',
  Unprocessable = 'unprocessable',
  PayloadTooLarge = 'payload_too_large',
  RateLimited = 'rate_limited',
  Internal = 'internal_error',
}

/** A dependency a service cannot start without (database, Redis, schema); the message says how to fix it. */
export class DependencyUnavailable extends Error {
  override readonly name = 'DependencyUnavailable';
}

/** A domain error with a stable code; the global filter turns it into `{ error: { code, message, errorId } }`. */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainException(ErrorCode.RateLimited, message, 429, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

export const notFound = (what: string, id: string | number) =>
  new DomainException(ErrorCode.NotFound, `${what} ${id} does not exist`, HttpStatus.NOT_FOUND);

export const conflict = (message: string, code: string = ErrorCode.Conflict) =>
  new DomainException(code, message, HttpStatus.CONFLICT);

export const unprocessable = (message: string, code: string = ErrorCode.Unprocessable) =>
  new DomainException(code, message, HttpStatus.UNPROCESSABLE_ENTITY);

export const forbidden = (message: string) => new DomainException(ErrorCode.Forbidden, message, HttpStatus.FORBIDDEN);

export const unauthenticated = (message: string) =>
  new DomainException(ErrorCode.Unauthenticated, message, HttpStatus.UNAUTHORIZED);

export interface ErrorBody {
  error: { code: string; message: string; errorId: string; details?: unknown };
}

const HTTP_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  422: ErrorCode.Unprocessable,
  429: ErrorCode.RateLimited,
};

/** One shape for every error; 5xx details stay in the log, the client gets the errorId to quote. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const errorId = randomUUID();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let code: string = ErrorCode.Internal;
    let message = 'internal error; quote the errorId when reporting it';
    let details: unknown;

    if (exception instanceof DomainException) {
      ({ status, code, message, details } = exception);
      for (const [name, value] of Object.entries(exception.headers ?? {})) res.setHeader(name, value);
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      code = HTTP_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
      const body = exception.getResponse();
      const raw = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      message = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map(String).join('; ') : exception.message;
      if (status === 404 && message.startsWith('Cannot ')) message = `no route: ${message.slice(7)}`;
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      code = status === 413 ? ErrorCode.PayloadTooLarge : ErrorCode.ValidationFailed;
      message = status === 413 ? 'request body is too large' : `malformed request body: ${exception.message}`;
    }

    if (status >= 500) {
      this.logger.error({ err: exception, errorId }, 'unhandled error');
    }
    const payload: ErrorBody = { error: { code, message, errorId, ...(details === undefined ? {} : { details }) } };
    res.status(status).json(payload);
  }
}

function isBodyParserError(e: unknown): e is { status: number; message: string; type: string } {
  return typeof e === 'object' && e !== null && 'type' in e && 'status' in e && typeof (e as { status: unknown }).status === 'number';
}
