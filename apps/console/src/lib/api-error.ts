/** Errors from core's API (`{ "error": { "code", "message", "errorId" } }`), and what the console does with them. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errorId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An ApiError for a failed response (status 0: no response at all, e.g. the network is down). */
export function toApiError(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown; errorId?: unknown } } | null | undefined)?.error;
  const code = typeof err?.code === 'string' ? err.code : status === 0 ? 'network_error' : `http_${status}`;
  const message = typeof err?.message === 'string' && err.message ? err.message : status === 0 ? 'The server cannot be reached' : `The server answered ${status}`;
  return new ApiError(status, code, message, typeof err?.errorId === 'string' ? err.errorId : undefined);
}

/** A 401 on any call but the login itself means the token expired or was revoked: back to the login page. */
export function isSessionExpired(err: unknown, path = ''): boolean {
  return err instanceof ApiError && err.status === 401 && !path.endsWith('/auth/login');
}

/** Whether a failed query is worth retrying (not for client errors, which will fail the same way). */
export function shouldRetry(failureCount: number, err: unknown): boolean {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
  return failureCount < 2;
}
