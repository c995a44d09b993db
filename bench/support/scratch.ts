/**
 * Scratch resources of a benchmark run (databases, Redis key prefixes, child processes) and the
 * cleanup that removes them, on success, on failure and on Ctrl-C. Every name is checked against
 * the run's own prefix before anything is dropped or deleted.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import pg from 'pg';

export const DB_PREFIX = 'switchboard_bench_';
export const QUEUE_PREFIX_PREFIX = 'sbbench-';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cleanup steps, run last-in first-out; a failing step is reported and the others still run. */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await withTimeout(step.run(), 30_000, step.what);
        } catch (err) {
          console.error(`cleanup: ${step.what} failed: ${(err as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!name.startsWith(DB_PREFIX)) throw new Error(`refusing to drop ${name}: not a benchmark database`);
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Deletes every key under `<prefix>:` (BullMQ's layout), SCAN by SCAN. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  if (!prefix.startsWith(QUEUE_PREFIX_PREFIX)) throw new Error(`refusing to delete keys of ${prefix}: not a benchmark prefix`);
  let cursor = '0';
  let deleted = 0;
  for (let rounds = 0; rounds < 1_000_000; rounds++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) deleted += await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (exited(child)) return;
  const gone = once(child, 'exit');
  child.kill('SIGTERM');
  try {
    await withTimeout(gone, graceMs, `pid ${child.pid} to exit`);
  } catch {
    child.kill('SIGKILL');
    await withTimeout(gone, 5_000, `pid ${child.pid} to exit after SIGKILL`);
  }
}

/**
 * Ctrl-C / SIGTERM: runs the cleanup, then exits with 130. Signals that arrive while it runs are
 * ignored: a terminal's Ctrl-C reaches every process of the group, and tsx relays it once more
 * when the script does not acknowledge it fast enough, so a second SIGINT is routine.
 */
export function cleanupOnSignals(cleanup: Cleanup, log: (line: string) => void): { readonly interrupted: boolean } {
  const state = { interrupted: false };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (state.interrupted) return log(`${signal}: still cleaning up`);
      state.interrupted = true;
      log(`${signal}: cleaning up`);
      void cleanup.run().finally(() => process.exit(130));
    });
  }
  return state;
}
