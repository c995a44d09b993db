import { baseEnvSchema, envBoolean, envInt, envPort, envSecretsKey, envUrl } from '@switchboard/common';
import { z } from 'zod';

export const coreEnvSchema = baseEnvSchema
  .extend({
    PORT: envPort(3000),
    /** Signs agents' access tokens (HS256). */
    JWT_SECRET: z.string({ message: 'is required (a random string of at least 32 characters)' }).min(32, 'must be at least 32 characters'),
    /** Encrypts secrets stored in the database (mailbox passwords); the e-mail service needs the same key. */
    SECRETS_KEY: envSecretsKey(),
    JWT_TTL_SECONDS: envInt(12 * 3600, 60, 30 * 24 * 3600),
    MIGRATIONS_RUN: envBoolean(true),
    SEED_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    SEED_DEMO: envBoolean(false),
    REOPEN_WINDOW_DAYS: envInt(7, 0, 3650),
    INBOUND_CONCURRENCY: envInt(16, 1, 256),
    DELIVERY_CONCURRENCY: envInt(8, 1, 256),
    /** 0 = worker concurrency + 8, so every worker and the API always get a connection. */
    DB_POOL_SIZE: envInt(0, 0, 500),
    ATTACHMENT_MAX_BYTES: envInt(25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    OUTBOX_POLL_MS: envInt(250, 10, 60_000),
    OUTBOX_BATCH_SIZE: envInt(200, 1, 5_000),
    SCHEDULER_INTERVAL_MS: envInt(15_000, 1_000, 3_600_000),
    /** Trust X-Forwarded-For from one proxy hop in front of core (for client IPs in rate limits and logs). */
    TRUST_PROXY: envBoolean(false),
    /** Failed logins allowed per e-mail and client IP before logins from there are refused for 15 minutes. */
    LOGIN_MAX_FAILURES: envInt(5, 1, 1000),
    /**
     * Send automatic notifications to customers (acknowledgements, status changes) at all; `false`
     * (e.g. a staging copy of production data) sends none, whatever the templates say.
     */
    NOTIFICATIONS_ENABLED: envBoolean(true),
    /** Run the inbound/delivery workers, outbox relay and schedulers in this process (API-only replicas set false). */
    WORKERS_ENABLED: envBoolean(true),
    /** Serve the agent console's realtime connection (Socket.IO at /socket.io, namespace /realtime; docs/realtime.md). */
    REALTIME_ENABLED: envBoolean(true),
    /** How often each replica refreshes its sockets' presence in Redis; an entry not refreshed for 3 heartbeats is dropped. */
    REALTIME_HEARTBEAT_MS: envInt(10_000, 200, 300_000),
    /** Where visitors' browsers reach the webform service; embed snippets load `<this>/widget.js`. Kept without a trailing slash. */
    WEBFORM_PUBLIC_URL: envUrl(['http', 'https'], 'http://localhost:3001')
      .refine((v) => !/[?#]/.test(v), 'must not have a query or fragment')
      .transform((v) => v.replace(/\/+$/, '')),
    /**
     * Where SMS providers reach the SMS service (its webhooks), to show admins the URLs to set at
     * Twilio and SMS.ru: `<this>/sms/<channel id>/…`. Kept without a trailing slash.
     */
    SMS_PUBLIC_URL: envUrl(['http', 'https'], 'http://localhost:3003')
      .refine((v) => !/[?#]/.test(v), 'must not have a query or fragment')
      .transform((v) => v.replace(/\/+$/, '')),
    /**
     * The built agents' console (scripts/build-console.js) that core serves at `/`. Unset: dist/console
     * next to core's bundle (dist/apps/core/main.js), else under the working directory.
     */
    CONSOLE_DIST_DIR: z.string().trim().min(1, 'must be a directory path').optional(),
  })
  .transform((c) => ({ ...c, DB_POOL_SIZE: c.DB_POOL_SIZE || c.INBOUND_CONCURRENCY + c.DELIVERY_CONCURRENCY + 8 }));

export type CoreConfig = z.infer<typeof coreEnvSchema>;

export const CORE_CONFIG = Symbol('CORE_CONFIG');
