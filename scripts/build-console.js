#!/usr/bin/env node
/**
 * Builds the agents' console (apps/console, React + Vite) for browsers into dist/console, which
 * core serves at `/`. Prints the size of what the first screen loads (index.html's scripts and
 * styles), raw and gzipped, and fails when the gzipped size reaches the budget.
 *
 *   node scripts/build-console.js                # dist/console
 *   node scripts/build-console.js --outdir dir   # elsewhere (tests use a temporary directory)
 *
 * Also importable: `await buildConsole({ outDir, quiet })` resolves `{ outDir, bytes, gzipBytes }`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CONSOLE_ROOT = join(root, 'apps/console');
export const CONSOLE_OUTDIR = join(root, 'dist/console');
/** Gzipped size of the first screen's scripts and styles must stay under this. */
export const CONSOLE_GZIP_BUDGET = 300 * 1024;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The files index.html loads straight away (entry script, preloaded chunks, stylesheets). */
function firstScreenFiles(outDir) {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  return [...new Set(refs)].map((f) => join(outDir, f));
}

/**
 * @param {{ outDir?: string, quiet?: boolean }} [options]
 * @returns {Promise<{ outDir: string, bytes: number, gzipBytes: number }>}
 */
export async function buildConsole({ outDir = CONSOLE_OUTDIR, quiet = false } = {}) {
  const target = resolve(outDir);
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  await build({
    configFile: false,
    root: CONSOLE_ROOT,
    base: '/',
    plugins: [react()],
    logLevel: quiet ? 'silent' : 'warn',
    build: {
      outDir: target,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1024,
    },
  });
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of firstScreenFiles(target)) {
    const code = readFileSync(file);
    bytes += code.length;
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  if (!quiet) {
    console.log(`console: ${relative(process.cwd(), target) || target}  first screen ${kb(bytes)} raw, ${kb(gzipBytes)} gzipped (budget ${kb(CONSOLE_GZIP_BUDGET)})`);
  }
  if (gzipBytes >= CONSOLE_GZIP_BUDGET) {
    throw new Error(`the console's first screen is ${kb(gzipBytes)} gzipped, over the ${kb(CONSOLE_GZIP_BUDGET)} budget`);
  }
  return { outDir: target, bytes, gzipBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  const outDir = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !outDir) {
    console.error('build-console: --outdir needs a path');
    process.exit(2);
  }
  buildConsole({ outDir }).catch((err) => {
    console.error(`build-console: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
