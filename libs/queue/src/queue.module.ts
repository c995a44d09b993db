import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Inject, Logger as NestLogger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { logErrorsOnce } from './error-logger.js';
import type { QueueName } from '@switchboard/contracts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { queueOptions } from './options.js';
import { createRedis, warnUnlessNoEviction } from './redis.js';

export const REDIS = Symbol('REDIS');
const QUEUE_ERROR_LISTENERS = Symbol('QUEUE_ERROR_LISTENERS');

export interface QueueModuleOptions {
  redisUrl: string;
  prefix: string;
  /** Queues this service produces to or consumes from. */
  queues: QueueName[];
  logger: Logger;
  connectionName: string;
}

@Global()
@Module({})
class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(opts: QueueModuleOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: async () => {
            const redis = createRedis(opts.redisUrl, opts.logger, opts.connectionName);
            await warnUnlessNoEviction(redis, opts.logger);
            return redis;
          },
        },
      ],
      exports: [REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // Runs after BullMQ's workers have closed (they finish in-flight jobs first).
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** BullMQ on one shared Redis connection, with the project's job defaults and key prefix. */
@Module({})
export class QueueModule {
  static forRoot(opts: QueueModuleOptions): DynamicModule {
    const redisModule = RedisModule.forRoot(opts);
    return {
      module: QueueModule,
      global: true,
      imports: [
        redisModule,
        BullModule.forRootAsync({
          imports: [redisModule],
          inject: [REDIS],
          useFactory: (redis: Redis) => queueOptions(redis, opts.prefix),
        }),
        BullModule.registerQueue(...opts.queues.map((name) => ({ name }))),
      ],
      providers: [
        {
          provide: QUEUE_ERROR_LISTENERS,
          inject: opts.queues.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => {
            const logger = new NestLogger('Queues');
            for (const q of queues) logErrorsOnce(q, logger, `queue ${q.name}`);
            return queues.length;
          },
        },
      ],
      exports: [redisModule, BullModule],
    };
  }
}
