/**
 * Starts the real Telegram service in-process (next to a core from startCore) against the run's
 * Postgres and Redis, talking to a Bot API emulator, with short timers so tests see updates quickly.
 */
import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, loadConfig } from '@switchboard/common';
import { BotSupervisor } from '../../apps/telegram/src/bots/supervisor.js';
import { createTelegramApp } from '../../apps/telegram/src/bootstrap.js';
import { telegramEnvSchema, type TelegramConfig } from '../../apps/telegram/src/config.js';

export interface RunningTelegram {
  app: NestExpressApplication;
  url: string;
  config: TelegramConfig;
  supervisor: BotSupervisor;
  close(): Promise<void>;
}

export async function startTelegram(apiRoot: string, overrides: Record<string, string> = {}, port = 0): Promise<RunningTelegram> {
  const config = loadConfig(telegramEnvSchema, {
    ...process.env,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_BOT_REFRESH_MS: '300',
    TELEGRAM_LEASE_TTL_MS: '3000',
    TELEGRAM_RECONNECT_MAX_MS: '1000',
    TELEGRAM_POLL_TIMEOUT_S: '2',
    ...overrides,
  });
  if (!config.DATABASE_URL.includes('/switchboard_test_')) throw new Error(`refusing to run against ${config.DATABASE_URL}`);
  const app = await createTelegramApp(config, createLogger('telegram-test', config.LOG_LEVEL));
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, config, supervisor: app.get(BotSupervisor), close: () => app.close() };
}
