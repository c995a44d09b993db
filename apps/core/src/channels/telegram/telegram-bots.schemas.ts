import { DEFAULT_TELEGRAM_GREETING, type TelegramBotMode, type TelegramBotState } from '@switchboard/db';
import { isIP } from 'node:net';
import { z } from 'zod';
import { pageQuerySchema, queryBoolean } from '../../common/pagination.js';

export const TELEGRAM_BOT_MODES = ['webhook', 'polling'] as const satisfies readonly TelegramBotMode[];
export const TELEGRAM_BOT_STATES = ['active', 'error', 'disabled'] as const satisfies readonly TelegramBotState[];

/** What BotFather hands out: the bot's numeric id, a colon, and the secret part. */
export const TELEGRAM_TOKEN_PATTERN = /^\d{5,20}:[A-Za-z0-9_-]{30,64}$/;
/** Telegram's limit for one message's text: the greeting is sent as one. */
export const GREETING_MAX = 4096;
/** The only ports Telegram delivers webhooks to (https://core.telegram.org/bots/api#setwebhook). */
export const WEBHOOK_PORTS = [443, 80, 88, 8443] as const;

export const TELEGRAM_BOT_DEFAULTS = {
  greeting: DEFAULT_TELEGRAM_GREETING,
  mode: 'polling',
  enabled: true,
} as const satisfies { greeting: string; mode: TelegramBotMode; enabled: boolean };

const text = (min: number, max: number) =>
  z
    .string({ message: 'must be text' })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

const bool = z.boolean({ message: 'must be true or false' });

/** PostgreSQL's bigint, where the bot id is kept. */
const BIGINT_MAX = 2n ** 63n - 1n;

/** Why `token` is not a bot token, or undefined when it looks like one (whether Telegram takes it is for getMe to say). */
export function tokenProblem(token: string): string | undefined {
  if (!token) return 'must not be empty: copy the token from BotFather';
  if (TELEGRAM_TOKEN_PATTERN.test(token)) return BigInt(token.slice(0, token.indexOf(':'))) > BIGINT_MAX ? 'has a bot id too large to be one' : undefined;
  // Copied from an API URL (https://api.telegram.org/bot<token>/getMe).
  if (/^bot\d/i.test(token) && TELEGRAM_TOKEN_PATTERN.test(token.slice(3))) return 'write the token without the "bot" in front of it (that belongs to API URLs)';
  return 'is not a Telegram bot token (digits, a colon, then 30 to 64 letters, digits, _ or -, e.g. 123456789:AAH…); copy it from BotFather';
}

/** The token exactly as BotFather wrote it (surrounding spaces from copying dropped). */
const token = z
  .string({ message: 'must be text: copy the token from BotFather' })
  .trim()
  .superRefine((v, ctx) => {
    const problem = tokenProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** `123456:…wxyz`: enough to tell tokens apart, not enough to use one. */
export function tokenHint(token: string): string {
  const [botId, secret = ''] = token.split(':');
  return `${botId}:…${secret.slice(-4)}`;
}

/** The bot id a token starts with, without leading zeros (as the bigint column gives it back). */
export function tokenBotId(token: string): string {
  return BigInt(token.slice(0, token.indexOf(':'))).toString();
}

const isLoopback = (host: string) => {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
};

/** Why `url` cannot be the public base URL Telegram calls, or undefined. */
export function publicBaseUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://support.example.com';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must be an https:// URL';
  const loopback = isLoopback(u.hostname);
  // Telegram calls webhooks over https only; plain http is for a local Bot API server or emulator.
  if (u.protocol === 'http:' && !loopback) return 'must be an https:// URL: Telegram only calls webhooks over https (http is allowed for loopback hosts only)';
  if (u.username || u.password) return 'must not contain a user name or password';
  if (u.search || u.hash || /[?#]/.test(url)) return 'must not have a query or fragment: the webhook path is added to it';
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (!loopback && !(WEBHOOK_PORTS as readonly number[]).includes(port)) return `Telegram only calls webhooks on ports ${WEBHOOK_PORTS.join(', ')}`;
  return undefined;
}

/** Kept without a trailing slash, so the webhook URL is `<this>/telegram/<id>/webhook`. */
const publicBaseUrl = z
  .string({ message: 'must be an absolute URL such as https://support.example.com' })
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .superRefine((v, ctx) => {
    const problem = publicBaseUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v.replace(/\/+$/, ''));

const base = {
  name: text(1, 200),
  token,
  greeting: text(1, GREETING_MAX),
  mode: z.enum(TELEGRAM_BOT_MODES, { message: `must be ${TELEGRAM_BOT_MODES.join(' or ')}` }),
  publicBaseUrl: publicBaseUrl.nullable(),
  enabled: bool,
};

export interface Issue {
  path: string;
  message: string;
}

/** The rules between properties, for a new bot and for one after a change. */
export function botRuleIssues(b: { mode: TelegramBotMode; publicBaseUrl: string | null }): Issue[] {
  if (b.mode === 'webhook' && !b.publicBaseUrl) {
    return [{ path: 'publicBaseUrl', message: 'is required in webhook mode: the https address where Telegram reaches the Telegram service' }];
  }
  return [];
}

const D = TELEGRAM_BOT_DEFAULTS;

export const createTelegramBotSchema = z
  .object({
    ...base,
    greeting: base.greeting.default(D.greeting),
    mode: base.mode.default(D.mode),
    publicBaseUrl: base.publicBaseUrl.optional().transform((v) => v ?? null),
    enabled: base.enabled.default(D.enabled),
  })
  .strict()
  .superRefine((b, ctx) => {
    for (const issue of botRuleIssues(b)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

/** Only what is sent changes; the rules between properties are checked against the stored bot with the change applied. */
export const updateTelegramBotSchema = z
  .object({
    name: base.name.optional(),
    token: base.token.optional(),
    greeting: base.greeting.optional(),
    mode: base.mode.optional(),
    publicBaseUrl: base.publicBaseUrl.optional(),
    enabled: base.enabled.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one property of the bot' });

export const listTelegramBotsQuerySchema = pageQuerySchema
  .extend({
    enabled: queryBoolean.optional(),
    state: z.enum(TELEGRAM_BOT_STATES, { message: `must be ${TELEGRAM_BOT_STATES.join(', ')}` }).optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export type CreateTelegramBotInput = z.infer<typeof createTelegramBotSchema>;
export type UpdateTelegramBotInput = z.infer<typeof updateTelegramBotSchema>;
export type ListTelegramBotsQuery = z.infer<typeof listTelegramBotsQuerySchema>;
