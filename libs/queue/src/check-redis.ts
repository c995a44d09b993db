import { DependencyUnavailable, redactUrl } from '@switchboard/common';
import { Redis } from 'ioredis';

/** Fails fast, with one line saying how to fix it, when Redis does not answer at start-up. */
export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new DependencyUnavailable(
      `Redis is not reachable at ${redactUrl(url)} (${(err as Error).message}). Start it (e.g. "docker compose up -d redis" or "redis-server --daemonize yes") or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}
