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
import { BotStore } from './bots/bot-store.js';
import { BotClients } from './bots/clients.js';
import { Pacer } from './bots/pacer.js';
import { BotSupervisor } from './bots/supervisor.js';
import { TELEGRAM_CONFIG, type TelegramConfig } from './config.js';
import { OutboundTelegramProcessor } from './outbound/outbound-telegram.processor.js';
import { UpdateProcessor } from './updates/update.processor.js';
import { UpdateIntake } from './updates/update-intake.js';
import { WebhookController } from './updates/webhook.controller.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: TelegramConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: TELEGRAM_CONFIG, useValue: config }], exports: [TELEGRAM_CONFIG] };
  }
}

@Module({})
export class TelegramAppModule {
  static forRoot(config: TelegramConfig, logger: Logger): DynamicModule {
    return {
      module: TelegramAppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: { ...loggerOptions('telegram', config.LOG_LEVEL), autoLogging: { ignore: (req) => req.url === '/health' } },
        }),
        TypeOrmModule.forRoot(dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'switchboard-telegram' })),
        QueueModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          queues: [QueueName.TelegramUpdates, QueueName.Inbound, QueueName.CustomerEvents, QueueName.OutboundTelegram, QueueName.Delivery],
          logger,
          connectionName: 'switchboard-telegram',
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
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        BotStore,
        BotClients,
        Pacer,
        UpdateIntake,
        BotSupervisor,
        UpdateProcessor,
        OutboundTelegramProcessor,
      ],
    };
  }
}
