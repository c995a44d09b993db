/**
 * The built services the benchmarks start as child processes: making sure dist/ is not older
 * than the sources (a stale bundle would measure old code), watching a child's output, and
 * waiting for it to answer GET /health.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './reference.js';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { exited, sleep, withTimeout, type Cleanup } from './scratch.js';

export const serviceMain = (app: string) => join(ROOT, 'dist/apps', app, 'main.js');
const WIDGET = join(ROOT, 'dist/widget/widget.js');

export interface BuildOptions {
  /** Build even if up to date. */
  rebuild: boolean;
  /** Measure what is in dist even if older than the sources (still builds what is missing). */
  skipBuild: boolean;
  log: (line: string) => void;
}

/**
 * Builds the given apps (node scripts/build.js <apps…>) when a bundle is missing or older than
 * its sources (apps/<app>/src and libs; for webform also the widget and dist/widget/widget.js).
 */
export function ensureBuilt(apps: string[], opts: BuildOptions): void {
  const reasons: string[] = [];
  let canSkip = true;
  for (const app of apps) {
    const main = `dist/apps/${app}/main.js`;
    const outputs = [serviceMain(app), ...(app === 'webform' ? [WIDGET] : [])];
    const missing = outputs.find((f) => !existsSync(f));
    const builtAt = missing ? undefined : Math.min(...outputs.map((f) => statSync(f).mtimeMs));
    const sources = [`apps/${app}/src`, 'libs', ...(app === 'webform' ? ['apps/webform/widget'] : [])];
    const newer = builtAt === undefined ? [] : sources.flatMap((dir) => newerThan(join(ROOT, dir), builtAt));
    if (missing) {
      canSkip = false;
      reasons.push(`${missing.slice(ROOT.length + 1)} is missing`);
    } else if (newer.length) {
      reasons.push(`${main} is older than ${newer.length} source file(s), e.g. ${newer[0]}`);
    }
  }
  const why = opts.rebuild ? '--rebuild' : reasons.length ? reasons.join('; ') : undefined;
  if (!why) return;
  const names = apps.join(', ');
  if (opts.skipBuild && canSkip) {
    opts.log(`warning: ${why}; measuring it anyway (--skip-build)`);
    return;
  }
  opts.log(`building ${names}: ${why}`);
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), ...apps], { cwd: ROOT, stdio: ['ignore', 2, 2], timeout: 10 * 60_000 });
  if (built.status !== 0) {
    throw new Error(`building ${names} failed (${built.error?.message ?? `exit ${built.status}`}); --skip-build measures the existing dist as it is`);
  }
}

function newerThan(dir: string, mtimeMs: number): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts'))
    .map((d) => join(d.parentPath, d.name))
    .filter((f) => statSync(f).mtimeMs > mtimeMs)
    .map((f) => f.slice(ROOT.length + 1));
}

export interface WatchedOutput {
  /** The last 40 lines (shown if the child fails). */
  tail: string[];
  /** pino lines at warn (40) or above: how many, and the first three. */
  warnings: { count: number; first: string[] };
  /** All lines seen. */
  lines: { count: number };
}

/** Keeps the last lines of the child's output (shown if it fails) and counts warn/error log lines. */
export function watchOutput(child: ChildProcess): WatchedOutput {
  const tail: string[] = [];
  const warnings = { count: 0, first: [] as string[] };
  const lines = { count: 0 };
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.count += 1;
      const level = /"level":(\d+)/.exec(line);
      if (level && Number(level[1]) >= 40 && ++warnings.count <= 3) warnings.first.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      tail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
      if (tail.length > 40) tail.shift();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { tail, warnings, lines };
}

/** Throws with the child's last output if it has exited. */
export function checkAlive(child: ChildProcess, what: string, output: WatchedOutput): void {
  if (exited(child)) {
    throw new Error(`${what} exited (code ${child.exitCode}, signal ${child.signalCode}); its last output:\n${output.tail.join('\n')}`);
  }
}

/** Waits until the child answers 200 on GET http://127.0.0.1:<port>/health. */
export async function waitForHealth(child: ChildProcess, port: number, what: string, output: WatchedOutput, timeoutMs = 120_000): Promise<void> {
  await withTimeout(
    (async () => {
      for (;;) {
        checkAlive(child, what, output);
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
        if (ok) return;
        await sleep(250);
      }
    })(),
    timeoutMs,
    `${what} to answer GET /health`,
  );
}

/** Waits until core's inbound worker has connected to the queue, checking the children stay alive. */
export async function waitForInboundWorker(queue: Queue, alive: () => unknown): Promise<void> {
  await withTimeout(
    (async () => {
      while ((await queue.getWorkers()).length === 0) {
        await alive();
        await sleep(100);
      }
    })(),
    30_000,
    "core's inbound worker to connect",
  );
}

/** A database client of the benchmark's own for watching progress, closed by `cleanup`. */
export async function observerClient(url: string, cleanup: Cleanup, log: (line: string) => void): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: url, application_name: 'switchboard-bench-observer' });
  db.on('error', (err) => log(`database client error: ${err.message}`));
  await db.connect();
  cleanup.add('close the observer database client', () => db.end().catch(() => undefined));
  return db;
}
