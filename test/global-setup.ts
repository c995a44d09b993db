/**
 * One database and one Redis key prefix per test run, so runs never see each other's data and a
 * developer's own database is never touched. The database starts empty; the first core started
 * by a test applies the migrations, exactly as in production.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
// Plain JS, so it loads here (global setup runs outside the module mapper).
import { buildWidget } from '../scripts/build-widget.js';

export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/switchboard_test_${run}`;
  const url = base.toString();
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `sbtest-${run}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    WEBFORM_SECRET: randomBytes(32).toString('hex'),
    EMAIL_SIGNING_SECRET: randomBytes(32).toString('hex'),
    SECRETS_KEY: randomBytes(32).toString('hex'),
    SEED_ADMIN_PASSWORD: 'admin-password-for-tests',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    // Acknowledgements and status notices would add messages and mails to every other test's
    // tickets; the tests about them start core with NOTIFICATIONS_ENABLED=true.
    NOTIFICATIONS_ENABLED: 'false',
  });
  // The webform service serves the widget the sources build to, not a stale dist/.
  const widgetDir = join(tmpdir(), `switchboard-test-${run}`);
  mkdirSync(widgetDir, { recursive: true });
  process.env.WEBFORM_WIDGET_PATH = join(widgetDir, 'widget.js');
  await buildWidget({ outfile: process.env.WEBFORM_WIDGET_PATH, quiet: true });
  // Core serves the console the sources build to (Vite, in its own process), not a stale dist/.
  process.env.CONSOLE_DIST_DIR = join(widgetDir, 'console');
  const consoleBuild = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), '../scripts/build-console.js'), '--outdir', process.env.CONSOLE_DIST_DIR], {
    encoding: 'utf8',
  });
  if (consoleBuild.status !== 0) throw new Error(`building the console failed: ${consoleBuild.stderr || consoleBuild.stdout}`);
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`tests need PostgreSQL at ${base.host} (${(err as Error).message}); start it or set TEST_DATABASE_URL`, { cause: err });
  }
  await admin.query(`CREATE DATABASE "${base.pathname.slice(1)}"`);
  await admin.end();
}
