import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { redactUrl } from '@switchboard/common';
import { checkDatabase } from '@switchboard/db';
import { checkRedis } from '@switchboard/queue';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { EmailAppModule } from './app.module.js';
import type { EmailConfig } from './config.js';

/** Everything before listening: dependencies checked (core owns the schema), Nest app built. */
export async function createEmailApp(config: EmailConfig, logger: Logger): Promise<NestExpressApplication> {
  await checkRedis(config.REDIS_URL);
  await checkDatabase(config.DATABASE_URL, ['mailboxes', 'messages', 'attachments']);
  const app = await NestFactory.create<NestExpressApplication>(EmailAppModule.forRoot(config, logger), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  logger.info({ database: redactUrl(config.DATABASE_URL), redis: redactUrl(config.REDIS_URL) }, 'email configured');
  return app;
}
