import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { redactUrl } from '@switchboard/common';
import { checkDatabase } from '@switchboard/db';
import { checkRedis } from '@switchboard/queue';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { WebformAppModule } from './app.module.js';
import type { WebformConfig } from './config.js';
import { loadWidgetAsset } from './http/widget-asset.js';

/**
 * Everything before listening: dependencies checked (core owns the schema; this service only
 * reads forms and writes attachments), widget.js loaded, Nest app built.
 */
export async function createWebformApp(config: WebformConfig, logger: Logger): Promise<NestExpressApplication> {
  const widget = loadWidgetAsset(config.WEBFORM_WIDGET_PATH);
  await checkRedis(config.REDIS_URL);
  await checkDatabase(config.DATABASE_URL, ['webforms', 'attachments', 'messages']);
  const app = await NestFactory.create<NestExpressApplication>(WebformAppModule.forRoot(config, logger, widget), {
    bufferLogs: true,
    // Submissions are read by the controller, with the form's own limits.
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  // Everything here is made to be used by other sites' pages: the script, the config, the API.
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  if (config.TRUST_PROXY_HOPS > 0) app.set('trust proxy', config.TRUST_PROXY_HOPS);
  app.enableShutdownHooks();
  logger.info(
    { database: redactUrl(config.DATABASE_URL), redis: redactUrl(config.REDIS_URL), widget: widget.path, widgetBytes: widget.body.length },
    'webform configured',
  );
  return app;
}
