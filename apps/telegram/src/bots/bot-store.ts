import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SecretBox } from '@switchboard/common';
import type { DataSource } from 'typeorm';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';

export type BotMode = 'webhook' | 'polling';

/** A bot as core's API stored it, with its secrets opened. */
export interface Bot {
  id: string;
  name: string;
  token: string;
  webhookSecret: string;
  mode: BotMode;
  publicBaseUrl: string | null;
  greeting: string;
  state: 'active' | 'error' | 'disabled';
  /** Switched off by an admin: not polled, its webhook refused, no replies sent. */
  enabled: boolean;
  /** Changes whenever an admin edits the bot: a running poller restarts with the new settings. */
  version: string;
}

interface BotRow {
  id: string;
  name: string;
  token_encrypted: string;
  webhook_secret_encrypted: string;
  mode: BotMode;
  public_base_url: string | null;
  greeting: string;
  state: Bot['state'];
  enabled: boolean;
  updated_at: Date;
}

const COLUMNS = `id, name, token_encrypted, webhook_secret_encrypted, mode, public_base_url, greeting, state, enabled, updated_at`;
/** A webhook's bot is looked up on every update; a short cache keeps that off the database. */
const CACHE_MS = 2_000;

/** Reads the bots core's API manages, and keeps what the service learns about them (identity, error state, chats). */
@Injectable()
export class BotStore {
  private readonly box: SecretBox;
  private readonly cache = new Map<string, { bot: Bot | null; at: number }>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(TELEGRAM_CONFIG) config: TelegramConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
  }

  private open(row: BotRow): Bot {
    return {
      id: row.id,
      name: row.name,
      token: this.box.open(row.token_encrypted),
      webhookSecret: this.box.open(row.webhook_secret_encrypted),
      mode: row.mode,
      publicBaseUrl: row.public_base_url,
      greeting: row.greeting,
      state: row.state,
      enabled: row.enabled,
      version: new Date(row.updated_at).toISOString(),
    };
  }

  /** Bots to serve now: enabled and not stopped by an error. */
  async active(): Promise<Bot[]> {
    const rows = await this.ds.query<BotRow[]>(`SELECT ${COLUMNS} FROM telegram_bots WHERE enabled AND state = 'active' ORDER BY created_at`);
    return rows.map((r) => this.open(r));
  }

  /** The bot with this id (any state), from a cache at most a couple of seconds old. */
  async get(id: string): Promise<Bot | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.bot;
    const [row] = await this.ds.query<BotRow[]>(`SELECT ${COLUMNS} FROM telegram_bots WHERE id = $1`, [id]);
    const bot = row ? this.open(row) : null;
    this.cache.set(id, { bot, at: Date.now() });
    return bot;
  }

  /** What getMe said: shown by the API so admins see which bot a token belongs to. */
  async recordIdentity(id: string, botUserId: number, username: string | undefined): Promise<void> {
    await this.ds.query(
      `UPDATE telegram_bots SET bot_user_id = $2, bot_username = $3
        WHERE id = $1 AND (bot_user_id IS DISTINCT FROM $2 OR bot_username IS DISTINCT FROM $3)`,
      [id, botUserId, username ?? null],
    );
  }

  /** Stops serving a bot until an admin fixes it (shown by the API with Telegram's words). */
  async markError(id: string, reason: string): Promise<void> {
    await this.ds.query(`UPDATE telegram_bots SET state = 'error', state_reason = $2, state_changed_at = now() WHERE id = $1 AND state <> 'error'`, [
      id,
      reason.slice(0, 2000),
    ]);
    this.cache.delete(id);
  }

  /** The chat's conversation number: `/new` moves it on, so the next message opens a new ticket. */
  async threadSeq(botId: string, chatId: string): Promise<number> {
    const [row] = await this.ds.query<{ thread_seq: number }[]>(`SELECT thread_seq FROM telegram_chats WHERE bot_id = $1 AND chat_id = $2`, [botId, chatId]);
    return row?.thread_seq ?? 0;
  }

  /**
   * Starts a new conversation in a chat. `updateId` makes a redelivered `/new` harmless: the
   * sequence moves on once per update.
   */
  async newThread(botId: string, chatId: string, updateId: number): Promise<number> {
    const [row] = await this.ds.query<{ thread_seq: number }[]>(
      `INSERT INTO telegram_chats (bot_id, chat_id, thread_seq, last_new_update_id) VALUES ($1, $2, 1, $3)
       ON CONFLICT (bot_id, chat_id) DO UPDATE
         SET thread_seq = telegram_chats.thread_seq + CASE WHEN telegram_chats.last_new_update_id IS DISTINCT FROM $3 THEN 1 ELSE 0 END,
             last_new_update_id = $3, updated_at = now()
       RETURNING thread_seq`,
      [botId, chatId, updateId],
    );
    return row.thread_seq;
  }
}

/** The conversation key of a chat: the chat id, and the `/new` number once there is one. */
export function threadKeyOf(chatId: string, seq: number): string {
  return seq > 0 ? `${chatId}#${seq}` : chatId;
}
