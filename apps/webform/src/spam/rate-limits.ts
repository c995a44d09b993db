import { Inject, Injectable } from '@nestjs/common';
import { DomainException, rateLimited } from '@switchboard/common';
import { REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { WEBFORM_CONFIG, type WebformConfig } from '../config.js';

/**
 * Submission limits per client IP (across all forms) and per form (from everyone), counted in
 * Redis so they hold across replicas. Every attempt counts, refused ones included: a bot that
 * keeps failing the honeypot is still slowed down.
 */
@Injectable()
export class SubmissionRateLimits {
  private readonly perIp: RateLimiterRedis;
  private readonly perForm: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(WEBFORM_CONFIG) config: WebformConfig) {
    const base = { storeClient: redis, duration: config.WEBFORM_RATE_WINDOW_S } as const;
    this.perIp = new RateLimiterRedis({ ...base, keyPrefix: `${config.QUEUE_PREFIX}:webform-rate-ip`, points: config.WEBFORM_RATE_PER_IP });
    this.perForm = new RateLimiterRedis({ ...base, keyPrefix: `${config.QUEUE_PREFIX}:webform-rate-form`, points: config.WEBFORM_RATE_PER_FORM });
  }

  /** Counts one submission; a 429 with Retry-After when the IP or the form is over its limit. */
  async consume(formId: string, ip: string): Promise<void> {
    const results = await Promise.allSettled([this.perIp.consume(ip), this.perForm.consume(formId)]);
    const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason] as const] : []));
    for (const [, reason] of refused) {
      // Anything but a RateLimiterRes is Redis failing: not the visitor's fault, and nothing can be queued now anyway.
      if (!(reason instanceof RateLimiterRes)) {
        throw new DomainException('unavailable', 'the request could not be accepted right now; please try again in a moment', 503, undefined, { 'Retry-After': '5' });
      }
    }
    if (refused.length) {
      const wait = Math.max(...refused.map(([, r]) => (r as RateLimiterRes).msBeforeNext)) / 1000;
      const who = refused.some(([i]) => i === 0) ? 'from your network' : 'for this form';
      throw rateLimited(`too many requests ${who}; try again in ${Math.ceil(wait)} s`, wait);
    }
  }
}
