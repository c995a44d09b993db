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
import { EMAIL_CONFIG, type EmailConfig } from './config.js';
import { IngestService } from './ingest/ingest.service.js';
import { MailboxSupervisor } from './ingest/supervisor.js';
import { MailboxStore } from './mailboxes/mailbox-store.js';
import { AutoReplyCaps } from './outbound/auto-reply-caps.js';
import { OutboundEmailProcessor } from './outbound/outbound-email.processor.js';
import { SmtpTransports } from './outbound/transports.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: EmailConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: EMAIL_CONFIG, useValue: config }], exports: [EMAIL_CONFIG] };
  }
}

@Module({})
export class EmailAppModule {
  static forRoot(config: EmailConfig, logger: Logger): DynamicModule {
    return {
      module: EmailAppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: { ...loggerOptions('email', config.LOG_LEVEL), autoLogging: { ignore: (req) => req.url === '/health' } },
        }),
        TypeOrmModule.forRoot(dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'switchboard-email' })),
        QueueModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          queues: [QueueName.Inbound, QueueName.OutboundEmail, QueueName.Delivery],
          logger,
          connectionName: 'switchboard-email',
        }),
        HealthModule.forChecks({
          inject: [getDataSourceToken(), REDIS],
          useFactory: (ds: DataSource, redis: Redis): HealthCheck[] => [
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
            { name: 'redis', check: async () => void (await redis.ping()) },
          ],
        }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        MailboxStore,
        IngestService,
        MailboxSupervisor,
        SmtpTransports,
        AutoReplyCaps,
        OutboundEmailProcessor,
      ],
    };
  }
}
