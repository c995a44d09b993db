import type { Redis } from 'ioredis';

/*
 * Takes the send slot of one message. KEYS[1] is the wide limit's next free time (a bot, an SMS
 * channel), KEYS[2], when given, the narrow one's (a chat): ms on Redis's clock, so replicas with
 * skewed clocks still agree. If the narrow key is not free yet, nothing is taken and minus the
 * wait is returned. Otherwise the wide key's next free slot is taken if it is within ARGV[3] ms:
 * the keys move on (wide by ARGV[1], narrow by ARGV[2] ms from that slot) and the wait until the
 * slot is returned; else minus that wait. A narrow slot is only ever taken for the moment the
 * message really goes, so neither limit can be beaten by the other's waits.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if #KEYS > 1 then
  local narrow_free = tonumber(redis.call('GET', KEYS[2]) or '0')
  if narrow_free > now then return now - narrow_free end
end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local wait = slot - now
if wait > tonumber(ARGV[3]) then return -wait end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', wait + tonumber(ARGV[1]) + 1000)
if #KEYS > 1 then redis.call('SET', KEYS[2], slot + tonumber(ARGV[2]), 'PX', wait + tonumber(ARGV[2]) + 1000) end
return wait`;

/* Pushes a key's next free slot to at least now + ARGV[1] ms (after a provider's "slow down"). */
const BLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
return until_`;

/**
 * Slots are spaced this much wider than the limits: two sends a full interval apart leave at
 * different moments of their HTTP requests, and a few milliseconds of jitter must not put them
 * inside one second at the provider's end.
 */
export const SEND_SLOT_HEADROOM = 0.05;

/** The spacing of slots for a limit of `perSecond` sends a second, headroom included. */
export const slotInterval = (perSecond: number) => Math.ceil((1000 / perSecond) * (1 + SEND_SLOT_HEADROOM));

/** Either go after `waitMs`, or the slot is too far off: come back in `retryInMs`. */
export type SlotResult = { waitMs: number } | { retryInMs: number };

export interface SlotLimit {
  key: string;
  intervalMs: number;
}

/**
 * Paces sends across all replicas as evenly spaced slots kept in Redis. Counting requests in
 * fixed windows (as rate-limiter-flexible does) would let two sends go out a millisecond apart
 * across a window edge, which is what providers answer with "too many requests".
 */
export class SendSlots {
  constructor(private readonly redis: Redis) {}

  /**
   * Takes a slot for one send under `wide` (and `narrow`, when given): go after `waitMs` (at most
   * `maxWaitMs`), or come back in `retryInMs` (nothing taken; a caller delays its job rather
   * than hold a worker when that is long).
   */
  async take(wide: SlotLimit, narrow: SlotLimit | undefined, maxWaitMs: number): Promise<SlotResult> {
    const keys = narrow ? [wide.key, narrow.key] : [wide.key];
    const r = Number(await this.redis.eval(TAKE, keys.length, ...keys, String(wide.intervalMs), String(narrow?.intervalMs ?? 0), String(maxWaitMs)));
    return r < 0 ? { retryInMs: -r } : { waitMs: r };
  }

  /** Nothing more under `key` for `ms` (a provider said to slow down). */
  async block(key: string, ms: number): Promise<void> {
    await this.redis.eval(BLOCK, 1, key, String(ms));
  }
}
