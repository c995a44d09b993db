import type { Redis } from 'ioredis';

// Renew or release only a lease we still hold: another replica may own it by now.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Work that one replica at a time must do (read a mailbox, poll a bot) belongs to the holder of
 * its lease: a Redis key with a TTL that the holder renews. A replica that dies stops renewing,
 * and after the TTL another takes the work over.
 */
export class Leases {
  constructor(
    private readonly redis: Redis,
    /** Key prefix of this kind of lease, e.g. `<queue prefix>:email-lease`. */
    private readonly prefix: string,
    /** This process's identity in the lease value. */
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  private key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  async acquire(name: string): Promise<boolean> {
    return (await this.redis.set(this.key(name), this.owner, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  /** False when the lease was lost (expired and taken, or deleted): stop working on it at once. */
  async renew(name: string): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, this.key(name), this.owner, String(this.ttlMs))) === 1;
  }

  async release(name: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(name), this.owner);
  }

  async holder(name: string): Promise<string | null> {
    return this.redis.get(this.key(name));
  }
}
