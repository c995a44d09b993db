import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/** Paths that belong to the API and services, never to the single-page app. */
const NOT_CONSOLE = /^\/(api|health|socket\.io)(\/|$)/;
/** The page's policy (helmet's default would upgrade requests to https, breaking plain-http installs). */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** Vite's content-hashed output: safe to cache for a year. */
const HASHED_ASSET = /^\/assets\//;

/**
 * Where the built console is: CONSOLE_DIST_DIR, else dist/console next to core's bundle
 * (dist/apps/core/main.js → dist/console), else dist/console under the working directory.
 */
export function resolveConsoleDir(configured: string | undefined, entry = process.argv[1], cwd = process.cwd()): { path: string; found: boolean } {
  const hasIndex = (d: string) => existsSync(join(d, 'index.html'));
  if (configured) {
    const path = resolve(cwd, configured);
    return { path, found: hasIndex(path) };
  }
  const candidates = [...(entry ? [resolve(dirname(entry), '../../console')] : []), resolve(cwd, 'dist/console')];
  const found = candidates.find(hasIndex);
  return { path: found ?? candidates.at(-1)!, found: Boolean(found) };
}

/** Express middleware: the console's files, and index.html (no-cache) for other GET page paths. */
export function consoleHandler(root: string) {
  const base = resolve(root);
  const index = join(base, 'index.html');
  const sendIndex = (res: Response, next: NextFunction) =>
    res.sendFile(index, { headers: { 'cache-control': 'no-cache', 'content-security-policy': CONSOLE_CSP } }, (err?: Error) => err && next(err));

  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) return next();
    if (path !== '/' && isFile(file)) {
      const cache = HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.sendFile(file, { headers: { 'cache-control': cache }, dotfiles: 'deny' }, (err?: Error) => err && next(err));
      return;
    }
    // A missing asset is a 404, not the app; a page path (no extension) is the app.
    if (extname(path) !== '' || HASHED_ASSET.test(path)) return next();
    sendIndex(res, next);
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
