import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { redactUrl } from '@switchboard/common';
import { checkDatabase } from '@switchboard/db';
import { checkRedis } from '@switchboard/queue';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { SmsAppModule } from './app.module.js';
import type { SmsConfig } from './config.js';

/** Everything before listening: dependencies checked (core owns the schema), Nest app built. */
export async function createSmsApp(config: SmsConfig, logger: Logger): Promise<NestExpressApplication> {
  await checkRedis(config.REDIS_URL);
  await checkDatabase(config.DATABASE_URL, ['sms_channels', 'messages']);
  const app = await NestFactory.create<NestExpressApplication>(SmsAppModule.forRoot(config, logger), { bufferLogs: true, bodyParser: false });
  // Provider webhooks are small forms (Twilio, SMS.ru) or JSON.
  app.useBodyParser('urlencoded', { limit: '256kb', extended: true });
  app.useBodyParser('json', { limit: '256kb' });
  // Behind a proxy, Twilio signs the public URL: the X-Forwarded-* headers say what it was.
  app.set('trust proxy', 1);
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  logger.info({ database: redactUrl(config.DATABASE_URL), redis: redactUrl(config.REDIS_URL), publicUrl: config.SMS_PUBLIC_URL }, 'sms configured');
  return app;
}
