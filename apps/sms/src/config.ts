import { baseEnvSchema, envInt, envPort, envSecretsKey, envUrl, isPhoneRegion } from '@switchboard/common';
import { z } from 'zod';

export const smsEnvSchema = baseEnvSchema.extend({
  PORT: envPort(3003),
  /** Opens the channels' stored credentials (the same SECRETS_KEY as core's). */
  SECRETS_KEY: envSecretsKey(),
  /**
   * Where providers reach this service (status callbacks are requested at
   * `<SMS_PUBLIC_URL>/sms/<channel id>/…`); the same value as core's SMS_PUBLIC_URL.
   */
  SMS_PUBLIC_URL: envUrl(['http', 'https'], 'http://localhost:3003'),
  /** Region for numbers written without a country code when the channel sets none (ISO 3166 code, e.g. RU). */
  SMS_DEFAULT_REGION: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => isPhoneRegion(v), 'must be a two-letter country code such as US or RU')
    .optional(),
  /** How often the list of channels is re-read (new, changed, repaired channels; SMPP sessions). */
  SMS_CHANNEL_REFRESH_MS: envInt(10_000, 100, 600_000),
  /** How long the parts of a concatenated inbound SMS wait for the rest. */
  SMS_PARTS_TTL_S: envInt(24 * 3_600, 60, 7 * 24 * 3_600),
  /** How long the ids a provider gave a sent SMS are kept to match its delivery receipts. */
  SMS_RECEIPT_TTL_S: envInt(7 * 24 * 3_600, 3_600, 30 * 24 * 3_600),
  /** Outbound messages sent at once per process (the channel's throughput holds across processes whatever this is). */
  SMS_OUTBOUND_CONCURRENCY: envInt(8, 1, 64),
  DB_POOL_SIZE: envInt(10, 2, 200),
});

export type SmsConfig = z.infer<typeof smsEnvSchema>;

export const SMS_CONFIG = Symbol('SMS_CONFIG');
