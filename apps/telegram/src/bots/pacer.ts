import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';

/*
 * Takes the send slot of one message: KEYS[1] is the chat's next free time, KEYS[2] the bot's
 * (ms, Redis's clock, so replicas with skewed clocks still agree). If the chat is not free yet,
 * nothing is taken and minus the wait is returned. Otherwise the bot's next free slot is taken if
 * it is within ARGV[3] ms: both keys move on (chat by ARGV[1], bot by ARGV[2] ms from that slot)
 * and the wait until the slot is returned; else minus that wait. A chat's slot is only ever taken
 * for the moment the message really goes, so neither limit can be beaten by the other's waits.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chat_free = tonumber(redis.call('GET', KEYS[1]) or '0')
if chat_free > now then return now - chat_free end
local slot = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
local wait = slot - now
if wait > tonumber(ARGV[3]) then return -wait end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', wait + tonumber(ARGV[1]) + 1000)
redis.call('SET', KEYS[2], slot + tonumber(ARGV[2]), 'PX', wait + tonumber(ARGV[2]) + 1000)
return wait`;

/* Pushes a key's next free slot to at least now + ARGV[1] ms (after a 429's retry_after). */
const BLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
return until_`;

/**
 * Slots are spaced this much wider than the limits: two sends a full interval apart leave at
 * different moments of their HTTP requests, and a few milliseconds of jitter must not put them
 * inside one second at Telegram's end.
 */
const HEADROOM = 0.05;

/** Either go after `waitMs`, or the slot is too far off: come back in `retryInMs`. */
export type PaceResult = { waitMs: number } | { retryInMs: number };

/**
 * Paces sends across all replicas: at most TELEGRAM_CHAT_RATE_PER_SECOND to one chat and
 * TELEGRAM_BOT_RATE_PER_SECOND per bot, as evenly spaced slots. Counting requests in fixed
 * windows (as rate-limiter-flexible does) would let two messages to one chat go out a millisecond
 * apart across a window edge, which is what Telegram answers with 429.
 */
@Injectable()
export class Pacer {
  private readonly chatInterval: number;
  private readonly botInterval: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(TELEGRAM_CONFIG) private readonly config: TelegramConfig,
  ) {
    this.chatInterval = Math.ceil((1000 / config.TELEGRAM_CHAT_RATE_PER_SECOND) * (1 + HEADROOM));
    this.botInterval = Math.ceil((1000 / config.TELEGRAM_BOT_RATE_PER_SECOND) * (1 + HEADROOM));
  }

  private key(kind: 'bot' | 'chat', ...parts: string[]): string {
    return `${this.config.QUEUE_PREFIX}:tg-pace:${kind}:${parts.join(':')}`;
  }

  /**
   * Takes a slot for one message to `chatId`: go after `waitMs` (at most `maxWaitMs`), or come
   * back in `retryInMs` (nothing taken; a caller delays its job rather than hold a worker when
   * that is long).
   */
  async take(botId: string, chatId: string, maxWaitMs: number): Promise<PaceResult> {
    const r = Number(
      await this.redis.eval(TAKE, 2, this.key('chat', botId, chatId), this.key('bot', botId), String(this.chatInterval), String(this.botInterval), String(maxWaitMs)),
    );
    return r < 0 ? { retryInMs: -r } : { waitMs: r };
  }

  /** Telegram said 429: nothing more goes to this chat (or from this bot) for `ms`. */
  async block(botId: string, chatId: string | undefined, ms: number): Promise<void> {
    await this.redis.eval(BLOCK, 1, chatId ? this.key('chat', botId, chatId) : this.key('bot', botId), String(ms));
  }
}
