import { baseEnvSchema, envInt, envPort, envSecretsKey, envUrl } from '@switchboard/common';
import { z } from 'zod';

export const telegramEnvSchema = baseEnvSchema.extend({
  PORT: envPort(3002),
  /** Decrypts bot tokens and webhook secrets stored by core (the same SECRETS_KEY as core's). */
  SECRETS_KEY: envSecretsKey(),
  /** Where the Bot API lives; tests and self-hosted Bot API servers point it elsewhere. */
  TELEGRAM_API_ROOT: envUrl(['http', 'https'], 'https://api.telegram.org'),
  /** How long a replica's claim on a bot lasts without renewal (a dead replica's bots move after this). */
  TELEGRAM_LEASE_TTL_MS: envInt(30_000, 3_000, 600_000),
  /** How often the list of bots is re-read (new, changed, repaired bots). */
  TELEGRAM_BOT_REFRESH_MS: envInt(10_000, 100, 600_000),
  /** Long-polling timeout of getUpdates in polling mode, in seconds. */
  TELEGRAM_POLL_TIMEOUT_S: envInt(25, 0, 50),
  /** Upper bound of the backoff after a failed getUpdates or setWebhook. */
  TELEGRAM_RECONNECT_MAX_MS: envInt(60_000, 500, 3_600_000),
  /** Updates processed at once per process (file downloads, building messages). */
  TELEGRAM_UPDATE_CONCURRENCY: envInt(8, 1, 64),
  /** Replies sent at once per process (pacing holds across processes whatever this is). */
  TELEGRAM_OUTBOUND_CONCURRENCY: envInt(8, 1, 64),
  /** Messages per second one bot may send, across all replicas (Telegram allows about 30). */
  TELEGRAM_BOT_RATE_PER_SECOND: envInt(30, 1, 1_000),
  /** Messages per second to one chat, across all replicas (Telegram allows about 1). */
  TELEGRAM_CHAT_RATE_PER_SECOND: envInt(1, 1, 100),
  /** Largest file downloaded from a customer (the Bot API serves at most 20 MB). */
  TELEGRAM_MAX_FILE_BYTES: envInt(20 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
  DB_POOL_SIZE: envInt(10, 2, 200),
});

export type TelegramConfig = z.infer<typeof telegramEnvSchema>;

export const TELEGRAM_CONFIG = Symbol('TELEGRAM_CONFIG');
