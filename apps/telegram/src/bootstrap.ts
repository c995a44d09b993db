import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { redactUrl } from '@switchboard/common';
import { checkDatabase } from '@switchboard/db';
import { checkRedis } from '@switchboard/queue';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { TelegramAppModule } from './app.module.js';
import type { TelegramConfig } from './config.js';

/** Everything before listening: dependencies checked (core owns the schema), Nest app built. */
export async function createTelegramApp(config: TelegramConfig, logger: Logger): Promise<NestExpressApplication> {
  await checkRedis(config.REDIS_URL);
  await checkDatabase(config.DATABASE_URL, ['telegram_bots', 'telegram_chats', 'attachments']);
  // Updates are small JSON documents; Telegram sends nothing larger than a few kilobytes.
  const app = await NestFactory.create<NestExpressApplication>(TelegramAppModule.forRoot(config, logger), { bufferLogs: true, bodyParser: false });
  app.useBodyParser('json', { limit: '1mb' });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  logger.info({ database: redactUrl(config.DATABASE_URL), redis: redactUrl(config.REDIS_URL), apiRoot: config.TELEGRAM_API_ROOT }, 'telegram configured');
  return app;
}
