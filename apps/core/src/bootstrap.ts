import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { redactUrl } from '@switchboard/common';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { CoreConfig } from './config.js';
import { prepareDatabase } from './database/prepare-database.js';

export const API_PREFIX = 'api/v1';

/**
 * Everything before listening: database created and migrated, admin seeded, Nest app built.
 * Tests call this with their own config; main.ts adds listening and signal handling.
 */
export async function createCoreApp(config: CoreConfig, logger: Logger): Promise<NestExpressApplication> {
  await prepareDatabase(config, logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.use(helmet());
  if (config.TRUST_PROXY) app.set('trust proxy', 1);
  // Uploads (POST /attachments) read the raw body themselves, whatever its type.
  app.useBodyParser('json', {
    limit: '2mb',
    type: (req) => !req.url?.startsWith(`/${API_PREFIX}/attachments`) && /\bjson\b/i.test(String(req.headers['content-type'] ?? '')),
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health'] });
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription('Tickets, contacts and messages of the Switchboard help desk. Errors are `{ "error": { "code", "message", "errorId" } }`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json' });
  logger.info({ database: redactUrl(config.DATABASE_URL), redis: redactUrl(config.REDIS_URL), workers: config.WORKERS_ENABLED }, 'core configured');
  return app;
}
