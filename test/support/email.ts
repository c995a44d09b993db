/**
 * Starts the real e-mail service in-process (next to a core from startCore) against the run's
 * Postgres and Redis, with short timers so tests see mail quickly.
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, loadConfig } from '@switchboard/common';
import { createEmailApp } from '../../apps/email/src/bootstrap.js';
import { emailEnvSchema, type EmailConfig } from '../../apps/email/src/config.js';
import { MailboxSupervisor } from '../../apps/email/src/ingest/supervisor.js';

export interface RunningEmail {
  app: NestExpressApplication;
  url: string;
  config: EmailConfig;
  supervisor: MailboxSupervisor;
  close(): Promise<void>;
}

export async function startEmail(overrides: Record<string, string> = {}): Promise<RunningEmail> {
  const config = loadConfig(emailEnvSchema, {
    ...process.env,
    EMAIL_POLL_INTERVAL_MS: '1000',
    EMAIL_MAILBOX_REFRESH_MS: '500',
    EMAIL_LEASE_TTL_MS: '3000',
    EMAIL_RECONNECT_MAX_MS: '1000',
    ...overrides,
  });
  if (!config.DATABASE_URL.includes('/switchboard_test_')) throw new Error(`refusing to run against ${config.DATABASE_URL}`);
  const app = await createEmailApp(config, createLogger('email-test', config.LOG_LEVEL));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, config, supervisor: app.get(MailboxSupervisor), close: () => app.close() };
}
