import { baseEnvSchema, envBoolean, envInt, envPort, isPhoneRegion } from '@switchboard/common';
import { z } from 'zod';

/** MIME types visitors may attach unless WEBFORM_ACCEPTED_TYPES says otherwise. */
export const DEFAULT_ACCEPTED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

export const webformEnvSchema = baseEnvSchema.extend({
  PORT: envPort(3001),
  /** Signs form sessions and submission references; any random string of 32+ characters. */
  WEBFORM_SECRET: z.string({ message: 'is required (a random string of at least 32 characters)' }).min(32, 'must be at least 32 characters'),
  /** Trust X-Forwarded-For from this many proxy hops (for per-IP rate limits behind a load balancer). */
  TRUST_PROXY_HOPS: envInt(0, 0, 10),
  /** A form sent sooner than this after it was opened is treated as a bot. */
  WEBFORM_MIN_FILL_MS: envInt(3_000, 0, 600_000),
  /** How long a form session (opened form) stays valid. */
  WEBFORM_SESSION_TTL_S: envInt(24 * 3600, 60, 30 * 24 * 3600),
  /** Submissions one IP address may make per window, across all forms and replicas. */
  WEBFORM_RATE_PER_IP: envInt(10, 1, 1_000_000),
  /** Submissions one form accepts per window, from everyone together. */
  WEBFORM_RATE_PER_FORM: envInt(600, 1, 10_000_000),
  WEBFORM_RATE_WINDOW_S: envInt(600, 1, 86_400),
  /** How long a submission waits for core to create the ticket before answering 202 with a reference. */
  WEBFORM_WAIT_FOR_TICKET_MS: envInt(5_000, 0, 60_000),
  WEBFORM_MAX_FILES: envInt(5, 0, 20),
  WEBFORM_MAX_FILE_BYTES: envInt(10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  /** Largest JSON submission (no files). */
  WEBFORM_MAX_JSON_BYTES: envInt(256 * 1024, 16 * 1024, 10 * 1024 * 1024),
  /** Comma-separated MIME types visitors may attach. */
  WEBFORM_ACCEPTED_TYPES: z
    .string()
    .default(DEFAULT_ACCEPTED_TYPES.join(','))
    .transform((v) => [...new Set(v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))])
    .refine((list) => list.length > 0 && list.every((t) => MIME.test(t)), { message: 'expected MIME types like image/png,application/pdf' }),
  /** Region (ISO 3166 code, e.g. GB) for phone numbers visitors type without a country code. */
  WEBFORM_DEFAULT_REGION: z
    .string()
    .transform((v) => v.toUpperCase())
    .refine(isPhoneRegion, { message: 'expected a two-letter region code such as GB, US or RU' })
    .optional(),
  /** Seconds a form's public config may be cached by browsers (and by this service). */
  WEBFORM_CONFIG_CACHE_S: envInt(30, 0, 3600),
  /** Where widget.js is; by default next to this service's bundle (dist/widget/widget.js). */
  WEBFORM_WIDGET_PATH: z.string().optional(),
  /** Serve a demo host page with the widget at /demo (for trying a form out). */
  WEBFORM_DEMO_PAGE: envBoolean(false),
  WEBFORM_DEMO_FORM_KEY: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/).default('demo'),
  DB_POOL_SIZE: envInt(10, 2, 200),
});

export type WebformConfig = z.infer<typeof webformEnvSchema>;

export const WEBFORM_CONFIG = Symbol('WEBFORM_CONFIG');
