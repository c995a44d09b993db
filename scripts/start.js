#!/usr/bin/env node
/**
 * `npm start`: the whole system on one machine, for a first look or for development.
 * Builds every service, starts core (which creates the database, migrates and seeds a demo),
 * then every other service that exists, and prints where to go and how to log in.
 *
 * Uses DATABASE_URL / REDIS_URL from the environment (defaults: local Postgres and Redis).
 * The JWT secret and the admin password are generated once and kept in .switchboard/ so they
 * survive restarts; set JWT_SECRET / SEED_ADMIN_PASSWORD to choose them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PinoPretty from 'pino-pretty';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** Default HTTP port of each service; core first, it migrates the database. */
const PORTS = { core: 3000, webform: 3001, telegram: 3002, sms: 3003, email: 3004 };

function localSecret(name, make) {
  const dir = join(root, '.switchboard');
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

if (!existsSync(join(root, 'node_modules'))) {
  console.error('start: dependencies are missing; run "npm install" first');
  process.exit(1);
}

console.log('Building the services…');
const build = spawnSync(process.execPath, [join(root, 'scripts/build.js')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const adminPassword = process.env.SEED_ADMIN_PASSWORD ?? localSecret('admin-password', () => randomBytes(9).toString('base64url'));
const env = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  JWT_SECRET: process.env.JWT_SECRET ?? localSecret('jwt-secret', () => randomBytes(32).toString('hex')),
  SEED_ADMIN_PASSWORD: adminPassword,
  SEED_DEMO: process.env.SEED_DEMO ?? 'true',
  WEBFORM_SECRET: process.env.WEBFORM_SECRET ?? localSecret('webform-secret', () => randomBytes(32).toString('hex')),
  SECRETS_KEY: process.env.SECRETS_KEY ?? localSecret('secrets-key', () => randomBytes(32).toString('hex')),
  EMAIL_SIGNING_SECRET: process.env.EMAIL_SIGNING_SECRET ?? localSecret('email-signing-secret', () => randomBytes(32).toString('hex')),
  WEBFORM_DEMO_PAGE: process.env.WEBFORM_DEMO_PAGE ?? 'true',
};

const services = Object.keys(PORTS).filter((name) => existsSync(join(root, 'dist/apps', name, 'main.js')));
const extra = existsSync(join(root, 'dist/apps'))
  ? readdirSync(join(root, 'dist/apps')).filter((n) => !(n in PORTS) && existsSync(join(root, 'dist/apps', n, 'main.js')))
  : [];
/** A service's port: <NAME>_PORT when set, else its default; services without one pick the next free default. */
const portOf = (name) => Number(process.env[`${name.toUpperCase()}_PORT`] ?? PORTS[name] ?? 3100 + extra.indexOf(name));
// Core puts this in embed snippets, and the demo form allows the demo page's origin.
env.WEBFORM_PUBLIC_URL = process.env.WEBFORM_PUBLIC_URL ?? `http://127.0.0.1:${portOf('webform')}`;
const children = new Map();
let stopping = false;

function run(name) {
  const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'main.js')], {
    env: { ...env, PORT: String(portOf(name)) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // pino-pretty writes to stdout itself; piping its stream on as well would repeat every raw line.
  const pretty = PinoPretty({ colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service,context', messageFormat: `[${name}] {if context}({context}) {end}{msg}` });
  child.stdout.pipe(pretty);
  child.stderr.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`\n${name} stopped (${signal ?? `exit code ${code}`}); stopping the others.`);
      stop(code || 1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  children.set(name, child);
  return child;
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (children.size === 0) process.exit(code);
  for (const child of children.values()) child.kill('SIGTERM');
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitHealthy(name, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && children.has(name)) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

run('core');
if (!(await waitHealthy('core', portOf('core'), 120_000))) {
  if (!stopping) {
    console.error('core did not become healthy within 2 minutes; see its log above.');
    stop(1);
  }
} else {
  const others = [...services.filter((s) => s !== 'core'), ...extra];
  for (const name of others) run(name);
  await Promise.all(others.map((name) => waitHealthy(name, portOf(name), 60_000)));
  const lines = [
    '',
    'Switchboard is running.',
    `  Agent console:  http://127.0.0.1:${portOf('core')}/`,
    `  API:            http://127.0.0.1:${portOf('core')}/api/v1`,
    `  API docs:       http://127.0.0.1:${portOf('core')}/api/docs`,
    `  Health:         http://127.0.0.1:${portOf('core')}/health`,
    ...[...services, ...extra].filter((s) => s !== 'core').map((s) => `  ${s.padEnd(15)} http://127.0.0.1:${portOf(s)}`),
    ...(services.includes('webform') && env.WEBFORM_DEMO_PAGE === 'true'
      ? [`  Web form demo:  ${env.WEBFORM_PUBLIC_URL}/demo  (a page with the embedded form; requests become tickets)`]
      : []),
    `  Admin login:    admin@example.com / ${adminPassword}`,
    '  Stop with Ctrl+C.',
    '',
  ];
  console.log(lines.join('\n'));
}
