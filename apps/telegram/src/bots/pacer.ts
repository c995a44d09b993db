import { Inject, Injectable } from '@nestjs/common';
import { REDIS, SendSlots, slotInterval, type SlotResult } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';

export type PaceResult = SlotResult;

/**
 * Paces sends across all replicas: at most TELEGRAM_CHAT_RATE_PER_SECOND to one chat and
 * TELEGRAM_BOT_RATE_PER_SECOND per bot, as evenly spaced slots (SendSlots).
 */
@Injectable()
export class Pacer {
  private readonly slots: SendSlots;
  private readonly chatInterval: number;
  private readonly botInterval: number;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(TELEGRAM_CONFIG) private readonly config: TelegramConfig,
  ) {
    this.slots = new SendSlots(redis);
    this.chatInterval = slotInterval(config.TELEGRAM_CHAT_RATE_PER_SECOND);
    this.botInterval = slotInterval(config.TELEGRAM_BOT_RATE_PER_SECOND);
  }

  private key(kind: 'bot' | 'chat', ...parts: string[]): string {
    return `${this.config.QUEUE_PREFIX}:tg-pace:${kind}:${parts.join(':')}`;
  }

  /**
   * Takes a slot for one message to `chatId`: go after `waitMs` (at most `maxWaitMs`), or come
   * back in `retryInMs` (nothing taken; a caller delays its job rather than hold a worker when
   * that is long).
   */
  take(botId: string, chatId: string, maxWaitMs: number): Promise<PaceResult> {
    return this.slots.take({ key: this.key('bot', botId), intervalMs: this.botInterval }, { key: this.key('chat', botId, chatId), intervalMs: this.chatInterval }, maxWaitMs);
  }

  /** Telegram said 429: nothing more goes to this chat (or from this bot) for `ms`. */
  block(botId: string, chatId: string | undefined, ms: number): Promise<void> {
    return this.slots.block(chatId ? this.key('chat', botId, chatId) : this.key('bot', botId), ms);
  }
}
