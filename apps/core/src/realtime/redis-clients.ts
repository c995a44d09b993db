import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

export const REALTIME_ADAPTER_CLIENTS = Symbol('REALTIME_ADAPTER_CLIENTS');

/** The Socket.IO Redis adapter's two connections: one publishes, one is in subscriber mode. */
export interface AdapterClients {
  pub: Redis;
  sub: Redis;
}

function logErrorsOnce(client: Redis, logger: Logger, what: string): void {
  let last = '';
  client.on('error', (err: Error) => {
    if (err.message !== last) logger.warn({ err: err.message }, `${what}: ${err.message}`);
    last = err.message;
  });
  client.on('ready', () => (last = ''));
}

function ready(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    // Not fatal: core's own connection has been checked; these reconnect on their own.
    const timer = setTimeout(resolve, timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Duplicates core's Redis connection for the adapter. The publisher drops what it cannot send
 * (no offline queue, errors swallowed): a realtime event lost in a Redis outage is acceptable,
 * a growing backlog or an unhandled rejection (the adapter does not await its publishes) is not.
 */
export async function createAdapterClients(redis: Redis): Promise<AdapterClients> {
  const logger = new Logger('RealtimeRedis');
  const pub = redis.duplicate({ connectionName: 'switchboard-core-realtime-pub', enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = redis.duplicate({ connectionName: 'switchboard-core-realtime-sub' });
  logErrorsOnce(pub, logger, 'realtime publisher connection');
  logErrorsOnce(sub, logger, 'realtime subscriber connection');
  const publish: (channel: string | Buffer, message: string | Buffer) => Promise<number> = pub.publish.bind(pub);
  let lastError = '';
  (pub as unknown as { publish: typeof publish }).publish = (channel, message) =>
    publish(channel, message).catch((err: unknown) => {
      const msg = (err as Error).message;
      if (msg !== lastError) logger.warn({ err: msg }, `realtime event not published: ${msg}`);
      lastError = msg;
      return 0;
    });
  await Promise.all([ready(pub, 5_000), ready(sub, 5_000)]);
  return { pub, sub };
}
