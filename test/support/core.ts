/**
 * Starts the real core (HTTP API + workers) in-process against the run's Postgres and Redis.
 * Each test file calls startCore() in beforeAll and close() in afterAll.
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { loadConfig, createLogger } from '@switchboard/common';
import { QueueName } from '@switchboard/contracts';
import { NOTIFICATION_TEMPLATE_DEFAULTS } from '@switchboard/db';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { createCoreApp } from '../../apps/core/src/bootstrap.js';
import { coreEnvSchema, type CoreConfig } from '../../apps/core/src/config.js';
import { deleteKeys } from './redis-keys.js';

export interface RunningCore {
  app: NestExpressApplication;
  url: string;
  api: string;
  config: CoreConfig;
  ds: DataSource;
  redis: Redis;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): CoreConfig {
  const config = loadConfig(coreEnvSchema, { ...process.env, ...overrides });
  if (!config.DATABASE_URL.includes('/switchboard_test_')) {
    throw new Error(`refusing to run tests against ${config.DATABASE_URL}: not a test database`);
  }
  return config;
}

export async function startCore(overrides: Record<string, string> = {}): Promise<RunningCore> {
  const config = testConfig(overrides);
  const logger = createLogger('core-test', config.LOG_LEVEL);
  const app = await createCoreApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const ds = app.get<DataSource>(getDataSourceToken());
  const [{ db }] = await ds.query<{ db: string }[]>('SELECT current_database() AS db');
  if (!db.startsWith('switchboard_test_')) throw new Error(`connected to ${db}, not the test database`);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  return {
    app,
    url,
    api: `${url}/api/v1`,
    config,
    ds,
    redis,
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
}

/** Puts the notification templates back as the migration seeded them. */
export async function resetNotificationTemplates(ds: DataSource): Promise<void> {
  for (const t of NOTIFICATION_TEMPLATE_DEFAULTS) {
    await ds.query(
      `UPDATE notification_templates SET subject = $3, body_text = $4, body_html = NULL, enabled = $5, status_kinds = $6::status_kind[], updated_by_agent_id = NULL
        WHERE key = $1 AND channel = $2`,
      [t.key, t.channel, t.subject, t.bodyText, t.enabled, t.statusKinds],
    );
  }
}

/**
 * Empties every business table (keeps statuses, groups and the seeded admin), the run's queues,
 * and puts the notification templates back to their defaults.
 */
export async function resetState(core: Pick<RunningCore, 'ds' | 'redis' | 'config'>): Promise<void> {
  await core.ds.query(
    `TRUNCATE tickets, messages, attachments, attachment_blobs, ticket_events, outbox, contacts, contact_identities, companies, company_domains, ticket_observers RESTART IDENTITY CASCADE`,
  );
  await core.ds.query(`DELETE FROM agents WHERE email <> 'admin@example.com'`);
  await core.ds.query(`DELETE FROM statuses WHERE NOT is_system`);
  await core.ds.query(`DELETE FROM agent_groups WHERE name NOT IN ('1st line', '2nd line')`);
  await resetNotificationTemplates(core.ds);
  // The scheduler queue keeps the running core's job scheduler; everything else goes.
  for (const q of Object.values(QueueName).filter((n) => n !== QueueName.CoreScheduler)) {
    await deleteKeys(core.redis, `${core.config.QUEUE_PREFIX}:${q}:*`);
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
