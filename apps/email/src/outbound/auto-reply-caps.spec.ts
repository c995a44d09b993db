import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EmailConfig } from '../config.js';
import { AutoReplyCaps } from './auto-reply-caps.js';
import { parseCaps } from './caps.js';

/** Against the run's Redis (its own key prefix). */
describe('AutoReplyCaps', () => {
  let redis: Redis;
  let prefix = '';
  const caps = (spec: string) => {
    prefix = `${process.env.QUEUE_PREFIX}-caps-${randomUUID().slice(0, 8)}`;
    return new AutoReplyCaps(redis, { QUEUE_PREFIX: prefix, EMAIL_AUTO_REPLY_CAPS: parseCaps(spec) } as EmailConfig);
  };

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${process.env.QUEUE_PREFIX}-caps-*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('lets mail through up to the smallest tier, then names the tier that is full', async () => {
    const c = caps('2/60,3/3600');
    expect(await c.take('Ann@Example.org')).toBeUndefined();
    expect(await c.take('ann@example.org')).toBeUndefined();
    expect(await c.take('ann@example.org')).toBe('automatic mail to ann@example.org suppressed: over 2 per minute');
    // Another recipient has its own count.
    expect(await c.take('bob@example.org')).toBeUndefined();
  });

  it('counts only mail that went out: a suppressed one gives its units back to every tier', async () => {
    const c = caps('1/60,2/3600');
    const addr = 'carol@example.org';
    expect(await c.take(addr)).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(await c.take(addr)).toMatch(/over 1 per minute$/);
    const hour = await redis.keys(`${prefix}:email-auto-cap:2-3600*`);
    expect(hour).toHaveLength(1);
    expect(await redis.get(hour[0])).toBe('1');
  });

  it('names the tier that holds the mail back longest when several are full', async () => {
    const c = caps('1/60,1/3600');
    expect(await c.take('dan@example.org')).toBeUndefined();
    expect(await c.take('dan@example.org')).toBe('automatic mail to dan@example.org suppressed: over 1 per hour');
  });

  it('caps nothing when off', async () => {
    const c = caps('off');
    for (let i = 0; i < 20; i++) expect(await c.take('eve@example.org')).toBeUndefined();
  });
});
