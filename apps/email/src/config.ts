import { baseEnvSchema, envInt, envPort, envSecretsKey } from '@switchboard/common';
import { z } from 'zod';
import { envCaps } from './outbound/caps.js';

export const emailEnvSchema = baseEnvSchema.extend({
  PORT: envPort(3004),
  /** Decrypts mailbox passwords stored by core (the same SECRETS_KEY as core's). */
  SECRETS_KEY: envSecretsKey(),
  /** Signs our outgoing Message-IDs so replies thread even when a stored row is missing; 32+ characters, the same on every replica. */
  EMAIL_SIGNING_SECRET: z.string({ message: 'is required (a random string of at least 32 characters)' }).min(32, 'must be at least 32 characters'),
  /** How often a mailbox is checked for new mail when IDLE is unavailable, and as a safety net with IDLE. */
  EMAIL_POLL_INTERVAL_MS: envInt(60_000, 1_000, 3_600_000),
  /** IDLE is renewed this often (servers drop IDLE after 30 minutes). */
  EMAIL_IDLE_RENEW_MS: envInt(10 * 60_000, 10_000, 29 * 60_000),
  /** Upper bound of the reconnect backoff after a network error. */
  EMAIL_RECONNECT_MAX_MS: envInt(60_000, 1_000, 3_600_000),
  /** How long a replica's claim on a mailbox lasts without renewal (a dead replica's mailboxes move after this). */
  EMAIL_LEASE_TTL_MS: envInt(30_000, 3_000, 600_000),
  /** How often the list of mailboxes is re-read (new, changed, re-enabled mailboxes). */
  EMAIL_MAILBOX_REFRESH_MS: envInt(10_000, 100, 600_000),
  /** Messages downloaded and queued before the cursor waits for core to commit them. */
  EMAIL_BATCH_SIZE: envInt(50, 1, 1_000),
  /** Mails of a batch parsed and stored at once while the next ones download. */
  EMAIL_INGEST_CONCURRENCY: envInt(4, 1, 32),
  /** Largest message downloaded at all (RFC822.SIZE is checked first); larger ones become a note. */
  EMAIL_MAX_MESSAGE_BYTES: envInt(60 * 1024 * 1024, 1024 * 1024, 1024 * 1024 * 1024),
  /** Body text kept on the ticket; the raw message is always kept whole. */
  EMAIL_MAX_TEXT_CHARS: envInt(200_000, 1_000, 1_000_000),
  /** Mails one sender may open per hour before further ones are folded into a single flagged ticket. */
  EMAIL_SENDER_RATE_PER_HOUR: envInt(30, 1, 100_000),
  /**
   * Automatic mails (acknowledgements, notifications) one recipient may get: `<mails>/<seconds>`
   * tiers, comma-separated, or `off`. Agents' replies are never capped.
   */
  EMAIL_AUTO_REPLY_CAPS: envCaps(),
  /** Outbound mails sent at once per process. */
  EMAIL_OUTBOUND_CONCURRENCY: envInt(4, 1, 64),
  DB_POOL_SIZE: envInt(10, 2, 200),
});

export type EmailConfig = z.infer<typeof emailEnvSchema>;

export const EMAIL_CONFIG = Symbol('EMAIL_CONFIG');
