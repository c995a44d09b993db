import { Inject, Injectable } from '@nestjs/common';
import { rateLimited } from '@switchboard/common';
import { REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CORE_CONFIG, type CoreConfig } from '../config.js';

const WINDOW_SECONDS = 15 * 60;

/**
 * Slows password guessing (OWASP): after LOGIN_MAX_FAILURES wrong passwords for one e-mail from
 * one IP, logins from there are refused for 15 minutes; one IP gets 100 failures a day across
 * all e-mails. Counters live in Redis, so they hold across replicas. A success clears the first.
 */
@Injectable()
export class LoginThrottle {
  private readonly perAccount: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(CORE_CONFIG) config: CoreConfig) {
    const base = { storeClient: redis } as const;
    this.perAccount = new RateLimiterRedis({
      ...base,
      keyPrefix: `${config.QUEUE_PREFIX}:login-fail-account`,
      points: config.LOGIN_MAX_FAILURES,
      duration: WINDOW_SECONDS,
      blockDuration: WINDOW_SECONDS,
    });
    this.perIp = new RateLimiterRedis({ ...base, keyPrefix: `${config.QUEUE_PREFIX}:login-fail-ip`, points: 100, duration: 24 * 3600, blockDuration: 3600 });
  }

  private static key(email: string, ip: string) {
    return `${email.trim().toLowerCase()}|${ip}`;
  }

  /** Refuses (429) when this e-mail+IP or this IP is blocked. */
  async check(email: string, ip: string): Promise<void> {
    const [account, byIp] = await Promise.all([this.perAccount.get(LoginThrottle.key(email, ip)), this.perIp.get(ip)]);
    const blocked = [account, byIp].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
    if (blocked.length) {
      const wait = Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000;
      throw rateLimited(`too many failed logins; try again in ${Math.ceil(wait / 60)} minute(s)`, wait);
    }
  }

  async failed(email: string, ip: string): Promise<void> {
    // consume() rejects once the limit is passed (and starts the block); that is the point, not an error.
    await Promise.all([this.perAccount.consume(LoginThrottle.key(email, ip)).catch(() => undefined), this.perIp.consume(ip).catch(() => undefined)]);
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.perAccount.delete(LoginThrottle.key(email, ip));
  }
}
