import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { AllExceptionsFilter, HealthModule, loggerOptions, type HealthCheck } from '@switchboard/common';
import { QueueName } from '@switchboard/contracts';
import { dataSourceOptions } from '@switchboard/db';
import { QueueModule, REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { WEBFORM_CONFIG, type WebformConfig } from './config.js';
import { FormsService } from './forms/forms.service.js';
import { WebformController, WIDGET_ASSET } from './http/webform.controller.js';
import type { WidgetAsset } from './http/widget-asset.js';
import { SubmissionRateLimits } from './spam/rate-limits.js';
import { SubmissionsService } from './submissions/submissions.service.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: WebformConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: WEBFORM_CONFIG, useValue: config }], exports: [WEBFORM_CONFIG] };
  }
}

@Module({})
export class WebformAppModule {
  static forRoot(config: WebformConfig, logger: Logger, widget: WidgetAsset): DynamicModule {
    return {
      module: WebformAppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: { ...loggerOptions('webform', config.LOG_LEVEL), autoLogging: { ignore: (req) => req.url === '/health' } },
        }),
        TypeOrmModule.forRoot(dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'switchboard-webform' })),
        QueueModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          queues: [QueueName.Inbound],
          logger,
          connectionName: 'switchboard-webform',
        }),
        HealthModule.forChecks({
          inject: [getDataSourceToken(), REDIS],
          useFactory: (ds: DataSource, redis: Redis): HealthCheck[] => [
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
            { name: 'redis', check: async () => void (await redis.ping()) },
          ],
        }),
      ],
      controllers: [WebformController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: WIDGET_ASSET, useValue: widget },
        FormsService,
        SubmissionRateLimits,
        SubmissionsService,
      ],
    };
  }
}
