/**
 * Starts the real webform service in-process (next to a core from startCore) against the run's
 * Postgres and Redis, serving the widget built by the test run's global setup.
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, loadConfig } from '@switchboard/common';
import { createWebformApp } from '../../apps/webform/src/bootstrap.js';
import { webformEnvSchema, type WebformConfig } from '../../apps/webform/src/config.js';

export interface RunningWebform {
  app: NestExpressApplication;
  url: string;
  config: WebformConfig;
  close(): Promise<void>;
}

/** Test defaults: no minimum fill time and roomy rate limits, unless a test sets its own. */
export async function startWebform(overrides: Record<string, string> = {}, port = 0): Promise<RunningWebform> {
  const config = loadConfig(webformEnvSchema, {
    ...process.env,
    WEBFORM_MIN_FILL_MS: '0',
    WEBFORM_RATE_PER_IP: '1000',
    WEBFORM_CONFIG_CACHE_S: '0',
    ...overrides,
  });
  if (!config.DATABASE_URL.includes('/switchboard_test_')) throw new Error(`refusing to run against ${config.DATABASE_URL}`);
  const app = await createWebformApp(config, createLogger('webform-test', config.LOG_LEVEL));
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, config, close: () => app.close() };
}
