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
import { ChannelStore } from './channels/channel-store.js';
import { ProviderRegistry } from './channels/provider-registry.js';
import { SessionSupervisor } from './channels/session-supervisor.js';
import { SMS_CONFIG, type SmsConfig } from './config.js';
import { SmsIntake } from './inbound/sms-intake.js';
import { WebhookController } from './inbound/webhook.controller.js';
import { OutboundSmsProcessor } from './outbound/outbound-sms.processor.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: SmsConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: SMS_CONFIG, useValue: config }], exports: [SMS_CONFIG] };
  }
}

@Module({})
export class SmsAppModule {
  static forRoot(config: SmsConfig, logger: Logger): DynamicModule {
    return {
      module: SmsAppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: { ...loggerOptions('sms', config.LOG_LEVEL), autoLogging: { ignore: (req) => req.url === '/health' } },
        }),
        TypeOrmModule.forRoot(dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'switchboard-sms' })),
        QueueModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          queues: [QueueName.Inbound, QueueName.CustomerEvents, QueueName.OutboundSms, QueueName.Delivery],
          logger,
          connectionName: 'switchboard-sms',
        }),
        HealthModule.forChecks({
          inject: [getDataSourceToken(), REDIS],
          useFactory: (ds: DataSource, redis: Redis): HealthCheck[] => [
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
            { name: 'redis', check: async () => void (await redis.ping()) },
          ],
        }),
      ],
      controllers: [WebhookController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, ChannelStore, ProviderRegistry, SmsIntake, SessionSupervisor, OutboundSmsProcessor],
    };
  }
}
