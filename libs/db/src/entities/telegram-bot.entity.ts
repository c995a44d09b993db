import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** How the Telegram service receives updates: Telegram calls our webhook, or the service long-polls getUpdates. */
export type TelegramBotMode = 'webhook' | 'polling';
/**
 * Where the bot stands, as for mailboxes: `active` (served while enabled), `error` (the Telegram
 * service stopped serving it, `state_reason` says why, e.g. the token was revoked, until an admin
 * changes its settings or enables it again), `disabled` (switched off by an admin).
 */
export type TelegramBotState = 'active' | 'error' | 'disabled';

/** The greeting new chats get (/start) until an admin writes another. */
export const DEFAULT_TELEGRAM_GREETING =
  'Hello! You are writing to our support team. Send your question here and we will answer in this chat. To start a new request later, send /new.';

/**
 * A Telegram bot the Telegram service serves; its messages' `channelAccountId` is the bot's id.
 * The token and the webhook secret are stored sealed (`SecretBox`, key `SECRETS_KEY`) and never
 * leave core's API: the token is shown as `token_hint` only. `token_bot_id` is the numeric bot id
 * every token starts with: unique, so one bot cannot be added twice under two tokens.
 */
@Entity('telegram_bots')
@Unique('telegram_bots_token_bot_id_key', ['tokenBotId'])
@Check('telegram_bots_mode_check', `"mode" IN ('webhook', 'polling')`)
@Check('telegram_bots_webhook_url_check', `"mode" <> 'webhook' OR "public_base_url" IS NOT NULL`)
@Check('telegram_bots_state_check', `"state" IN ('active', 'error', 'disabled')`)
export class TelegramBot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** What agents call it, e.g. "Support bot EU". */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The sealed BotFather token. */
  @Column({ name: 'token_encrypted', type: 'text' })
  tokenEncrypted: string;

  /** The token's bot id and last four characters, e.g. `123456:…wxyz`, for recognising it. */
  @Column({ name: 'token_hint', type: 'text' })
  tokenHint: string;

  /** The bot id the token starts with (bigint: returned as a string). */
  @Column({ name: 'token_bot_id', type: 'bigint' })
  tokenBotId: string;

  /** The bot's user id and @username as getMe answered them; filled by the Telegram service. */
  @Column({ name: 'bot_user_id', type: 'bigint', nullable: true })
  botUserId: string | null;

  @Column({ name: 'bot_username', type: 'text', nullable: true })
  botUsername: string | null;

  /** Sent when a customer starts a chat with the bot (/start). */
  @Column({ type: 'text', default: DEFAULT_TELEGRAM_GREETING })
  greeting: string;

  @Column({ type: 'varchar', length: 10, default: 'polling' })
  mode: TelegramBotMode;

  /** Where Telegram reaches the Telegram service (webhook mode): the webhook is `<this>/telegram/<id>/webhook`. */
  @Column({ name: 'public_base_url', type: 'text', nullable: true })
  publicBaseUrl: string | null;

  /** The sealed `secret_token` Telegram sends with every webhook call (X-Telegram-Bot-Api-Secret-Token). */
  @Column({ name: 'webhook_secret_encrypted', type: 'text' })
  webhookSecretEncrypted: string;

  /** The admin's switch; a disabled bot is not served. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  state: TelegramBotState;

  /** Why the bot is in `error`, in Telegram's words. */
  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason: string | null;

  @Column({ name: 'state_changed_at', type: 'timestamptz', default: () => 'now()' })
  stateChangedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
