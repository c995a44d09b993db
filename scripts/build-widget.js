#!/usr/bin/env node
/**
 * Bundles the embeddable web form script, apps/webform/widget/widget.ts, into one minified IIFE
 * for browsers (ES2019): dist/widget/widget.js by default. Prints its size raw and gzipped and
 * fails when the gzipped size reaches the budget.
 *
 *   node scripts/build-widget.js                 # dist/widget/widget.js
 *   node scripts/build-widget.js --outfile x.js  # elsewhere
 *
 * Also importable: `await buildWidget({ outfile, quiet })` resolves `{ outfile, bytes, gzipBytes }`
 * and throws when the build fails or is over budget.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const WIDGET_ENTRY = join(root, 'apps/webform/widget/widget.ts');
export const WIDGET_OUTFILE = join(root, 'dist/widget/widget.js');
/** Gzipped size the widget must stay under. */
export const WIDGET_GZIP_BUDGET = 30 * 1024;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * @param {{ outfile?: string, quiet?: boolean }} [options]
 * @returns {Promise<{ outfile: string, bytes: number, gzipBytes: number }>}
 */
export async function buildWidget({ outfile = WIDGET_OUTFILE, quiet = false } = {}) {
  const target = resolve(outfile);
  mkdirSync(dirname(target), { recursive: true });
  await build({
    entryPoints: [WIDGET_ENTRY],
    outfile: target,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    sourcemap: false,
    tsconfig: join(root, 'apps/webform/widget/tsconfig.json'),
    logLevel: quiet ? 'silent' : 'warning',
  });
  const code = readFileSync(target);
  const bytes = code.length;
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  if (!quiet) {
    console.log(`widget: ${relative(process.cwd(), target) || target}  ${kb(bytes)} raw, ${kb(gzipBytes)} gzipped (budget ${kb(WIDGET_GZIP_BUDGET)})`);
  }
  if (gzipBytes >= WIDGET_GZIP_BUDGET) {
    throw new Error(`widget.js is ${kb(gzipBytes)} gzipped, over the ${kb(WIDGET_GZIP_BUDGET)} budget`);
  }
  return { outfile: target, bytes, gzipBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outfile');
  const outfile = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !outfile) {
    console.error('build-widget: --outfile needs a path');
    process.exit(2);
  }
  buildWidget({ outfile }).catch((err) => {
    console.error(`build-widget: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
