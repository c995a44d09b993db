import type { Request, Response } from 'express';
import { originAllowed, originNotAllowed, type LoadedForm } from '../forms/forms.service.js';

/**
 * CORS per form: a page may call the form's endpoints only from one of its allowed origins. A
 * request without Origin (not from a browser page) is let through; one from another origin gets
 * a 403 and nothing happens.
 */
export function applyFormCors(req: Request, res: Response, loaded: LoadedForm): void {
  res.vary('Origin');
  const origin = req.headers.origin;
  if (!origin) return;
  if (!originAllowed(loaded.form, origin)) throw originNotAllowed(origin, loaded.form.key);
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', 'ETag, Retry-After');
}

/** Answers a preflight for an allowed origin. */
export function answerPreflight(req: Request, res: Response, loaded: LoadedForm): void {
  applyFormCors(req, res, loaded);
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
}
