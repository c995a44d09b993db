import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { TelegramBot } from './telegram-bot.entity.js';

/**
 * A private chat between a customer and one of our bots, kept by the Telegram service. The chat's
 * thread key (`threadHints.threadKey`) includes `thread_seq`: `/new` bumps it, so the customer's
 * next message no longer threads onto the ticket the chat had and opens a new one.
 */
@Entity('telegram_chats')
export class TelegramChat {
  @PrimaryColumn({ name: 'bot_id', type: 'uuid', primaryKeyConstraintName: 'telegram_chats_pkey' })
  botId: string;

  @ManyToOne(() => TelegramBot, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id' })
  bot?: Relation<TelegramBot>;

  /** Telegram's chat id (bigint: returned as a string). */
  @PrimaryColumn({ name: 'chat_id', type: 'bigint', primaryKeyConstraintName: 'telegram_chats_pkey' })
  chatId: string;

  @Column({ name: 'thread_seq', type: 'integer', default: 0 })
  threadSeq: number;

  /** The update whose `/new` last moved thread_seq on: a redelivered `/new` moves it once. */
  @Column({ name: 'last_new_update_id', type: 'bigint', nullable: true })
  lastNewUpdateId: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
