/**
 * Starts the real SMS service in-process (next to a core from startCore) against the run's
 * Postgres and Redis, with short timers so tests see channel changes quickly.
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, loadConfig } from '@switchboard/common';
import { SessionSupervisor } from '../../apps/sms/src/channels/session-supervisor.js';
import { createSmsApp } from '../../apps/sms/src/bootstrap.js';
import { smsEnvSchema, type SmsConfig } from '../../apps/sms/src/config.js';

export interface RunningSms {
  app: NestExpressApplication;
  url: string;
  config: SmsConfig;
  sessions: SessionSupervisor;
  close(): Promise<void>;
}

/** `port` must be known before start when providers are to call back (SMS_PUBLIC_URL): pass a free one. */
export async function startSms(port: number, overrides: Record<string, string> = {}): Promise<RunningSms> {
  const config = loadConfig(smsEnvSchema, {
    ...process.env,
    SMS_PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMS_CHANNEL_REFRESH_MS: '300',
    ...overrides,
  });
  if (!config.DATABASE_URL.includes('/switchboard_test_')) throw new Error(`refusing to run against ${config.DATABASE_URL}`);
  const app = await createSmsApp(config, createLogger('sms-test', config.LOG_LEVEL));
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}`, config, sessions: app.get(SessionSupervisor), close: () => app.close() };
}
