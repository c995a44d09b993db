import { Global, Module, type DynamicModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { PresenceStore } from './presence.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimePublisher } from './realtime.publisher.js';
import { createAdapterClients, REALTIME_ADAPTER_CLIENTS } from './redis-clients.js';

/**
 * Realtime for the agent console (docs/realtime.md). RealtimePublisher is always there for the
 * rest of core to call; the Socket.IO gateway only with REALTIME_ENABLED (without it the
 * publisher does nothing). Independent of WORKERS_ENABLED: an API-only replica serves sockets too.
 */
@Global()
@Module({})
export class RealtimeModule {
  static forRoot(opts: { enabled: boolean }): DynamicModule {
    if (!opts.enabled) return { module: RealtimeModule, providers: [RealtimePublisher], exports: [RealtimePublisher] };
    return {
      module: RealtimeModule,
      imports: [
        JwtModule.registerAsync({
          inject: [CORE_CONFIG],
          useFactory: (config: CoreConfig) => ({ secret: config.JWT_SECRET, verifyOptions: { algorithms: ['HS256'] } }),
        }),
      ],
      providers: [
        RealtimePublisher,
        RealtimeGateway,
        { provide: REALTIME_ADAPTER_CLIENTS, inject: [REDIS], useFactory: (redis: Redis) => createAdapterClients(redis) },
        {
          provide: PresenceStore,
          inject: [REDIS, CORE_CONFIG],
          useFactory: (redis: Redis, config: CoreConfig) => new PresenceStore(redis, config.QUEUE_PREFIX, config.REALTIME_HEARTBEAT_MS * 3),
        },
      ],
      exports: [RealtimePublisher],
    };
  }
}
