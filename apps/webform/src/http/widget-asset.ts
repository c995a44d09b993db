import { DependencyUnavailable } from '@switchboard/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** widget.js, read once at start-up, with its ETag and a gzipped copy. */
export interface WidgetAsset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  path: string;
}

export function loadWidgetAsset(configured: string | undefined): WidgetAsset {
  const path = resolve(configured ?? 'dist/widget/widget.js');
  let body: Buffer;
  try {
    body = readFileSync(path);
  } catch (err) {
    throw new DependencyUnavailable(
      `widget.js is not at ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): run "npm run build" (it builds the widget) or set WEBFORM_WIDGET_PATH`,
    );
  }
  return { body, gzipped: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, path };
}
