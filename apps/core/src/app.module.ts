import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@switchboard/contracts';
import { AllExceptionsFilter, HealthModule, loggerOptions, type HealthCheck } from '@switchboard/common';
import { dataSourceOptions } from '@switchboard/db';
import { QueueModule, REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AgentNotificationsModule } from './agent-notifications/agent-notifications.module.js';
import { AgentsModule } from './agents/agents.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CannedResponsesModule } from './canned-responses/canned-responses.module.js';
import { EmailChannelModule } from './channels/email/email-channel.module.js';
import { SmsChannelModule } from './channels/sms/sms-channel.module.js';
import { TelegramChannelModule } from './channels/telegram/telegram-channel.module.js';
import { CompaniesModule } from './companies/companies.module.js';
import { CORE_CONFIG, type CoreConfig } from './config.js';
import { ConsoleModule } from './console/console.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { CustomerEventsModule } from './customer-events/customer-events.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { InboundModule } from './inbound/inbound.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { StatusesModule } from './statuses/statuses.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { WebformsModule } from './webforms/webforms.module.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: CoreConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CORE_CONFIG, useValue: config }], exports: [CORE_CONFIG] };
  }
}

/** Queues core produces to or consumes from. */
export const CORE_QUEUES = [
  QueueName.Inbound,
  QueueName.OutboundEmail,
  QueueName.OutboundTelegram,
  QueueName.OutboundSms,
  QueueName.Delivery,
  QueueName.CustomerEvents,
  QueueName.CoreScheduler,
];

@Module({})
export class AppModule {
  static forRoot(config: CoreConfig, logger: Logger): DynamicModule {
    const workers = config.WORKERS_ENABLED;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions('core', config.LOG_LEVEL),
            autoLogging: { ignore: (req) => req.url === '/health' },
            customProps: (req) => ({ agentId: (req as { agent?: { id: string } }).agent?.id }),
          },
        }),
        TypeOrmModule.forRoot(
          dataSourceOptions({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, applicationName: 'switchboard-core' }),
        ),
        QueueModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          queues: CORE_QUEUES,
          logger,
          connectionName: 'switchboard-core',
        }),
        HealthModule.forChecks({
          inject: [getDataSourceToken(), REDIS],
          useFactory: (ds: DataSource, redis: Redis): HealthCheck[] => [
            { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
            { name: 'redis', check: async () => void (await redis.ping()) },
          ],
        }),
        RealtimeModule.forRoot({ enabled: config.REALTIME_ENABLED }),
        AuthModule,
        AgentsModule,
        GroupsModule,
        CompaniesModule,
        ContactsModule,
        StatusesModule,
        AttachmentsModule,
        TicketsModule,
        CannedResponsesModule,
        AgentNotificationsModule,
        WebformsModule,
        EmailChannelModule,
        TelegramChannelModule,
        SmsChannelModule,
        OutboxModule.forRoot({ workers }),
        NotificationsModule.forRoot({ workers }),
        ...(workers ? [InboundModule, CustomerEventsModule, SchedulerModule] : []),
        ConsoleModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
