import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * One ioredis client per process, shared by every queue (workers duplicate it for their blocking
 * connection). `maxRetriesPerRequest: null` is what BullMQ workers require.
 */
export function createRedis(url: string, logger: Logger, name = 'switchboard'): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    // Logged once per distinct error: a Redis outage must not flood the log.
    if (err.message !== lastError) logger.error({ err: err.message }, 'redis connection error');
    lastError = err.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info('redis connection restored');
    lastError = '';
  });
  return redis;
}

/**
 * BullMQ loses jobs if Redis evicts keys under memory pressure; anything but `noeviction` is
 * worth a loud warning at start-up (managed Redis often forbids CONFIG, so failure is tolerated).
 */
export async function warnUnlessNoEviction(redis: Redis, logger: Logger): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      logger.warn(
        { policy },
        `Redis maxmemory-policy is "${policy}": under memory pressure Redis may evict queued jobs. Set maxmemory-policy to noeviction.`,
      );
    }
    return policy;
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read Redis maxmemory-policy; make sure it is noeviction');
    return undefined;
  }
}
