import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { EMAIL_CONFIG, type EmailConfig } from '../config.js';
import { suppressionReason, type CapTier } from './caps.js';

/**
 * Caps automatic mail (acknowledgements, notifications: `autoSubmitted`) per recipient, counted
 * in Redis so every replica shares the counts. A mail takes one unit from every tier; when any
 * tier is full it is suppressed and gives its units back, so only mail that went out counts.
 * Agents' replies are never counted or capped.
 */
@Injectable()
export class AutoReplyCaps {
  private readonly tiers: { tier: CapTier; limiter: RateLimiterRedis }[];

  constructor(@Inject(REDIS) redis: Redis, @Inject(EMAIL_CONFIG) config: EmailConfig) {
    this.tiers = config.EMAIL_AUTO_REPLY_CAPS.map((tier) => ({
      tier,
      limiter: new RateLimiterRedis({
        storeClient: redis,
        // The limit is part of the key: changing a tier starts it afresh instead of mixing counts.
        keyPrefix: `${config.QUEUE_PREFIX}:email-auto-cap:${tier.limit}-${tier.seconds}`,
        points: tier.limit,
        duration: tier.seconds,
      }),
    }));
  }

  /** Counts one automatic mail to `address`; the suppression reason when it must not go out. Throws when Redis fails. */
  async take(address: string): Promise<string | undefined> {
    if (!this.tiers.length) return undefined;
    const key = address.toLowerCase();
    const results = await Promise.allSettled(this.tiers.map((t) => t.limiter.consume(key)));
    const failure = results.find((r) => r.status === 'rejected' && !(r.reason instanceof RateLimiterRes));
    if (failure) throw (failure as PromiseRejectedResult).reason;
    const over = results.flatMap((r, i) => (r.status === 'rejected' ? [{ tier: this.tiers[i].tier, wait: (r.reason as RateLimiterRes).msBeforeNext }] : []));
    if (!over.length) return undefined;
    // Every tier counted this mail (a refused consume counts too): it does not go out, so none keeps it.
    await Promise.all(this.tiers.map((t) => t.limiter.reward(key)));
    const binding = over.reduce((a, b) => (b.wait > a.wait ? b : a));
    return suppressionReason(address, binding.tier);
  }
}
