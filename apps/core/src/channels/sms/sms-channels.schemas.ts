import { InvalidIdentityError, isPhoneRegion, normalizePhone } from '@switchboard/common';
import { SMS_PROVIDER_DEFAULT_BASE_URLS, type SmsChannelState, type SmsCredentials, type SmsProvider } from '@switchboard/db';
import { z } from 'zod';
import { pageQuerySchema, queryBoolean } from '../../common/pagination.js';
import { hostProblem } from '../email/mailboxes.schemas.js';

export const SMS_PROVIDERS = ['smpp', 'twilio', 'smsru'] as const satisfies readonly SmsProvider[];
export const SMS_CHANNEL_STATES = ['active', 'error', 'disabled'] as const satisfies readonly SmsChannelState[];

/** The port SMSCs listen on by convention (IANA's smpp port). */
export const SMPP_DEFAULT_PORT = 2775;

export const SMS_CHANNEL_DEFAULTS = {
  throughputPerSecond: 10,
  maxSegments: 6,
  enabled: true,
} as const;

/**
 * SMPP 3.4 (§4.1.1 bind): system_id, password and system_type are C-Octet Strings of at most 16,
 * 9 and 13 octets, the terminating NUL included; so at most 15, 8 and 12 characters, printable ASCII.
 */
export const SMPP_LIMITS = { systemId: 15, password: 8, systemType: 12 } as const;

/** Twilio's Account SID and Auth Token as the console shows them. */
export const TWILIO_ACCOUNT_SID_PATTERN = /^AC[0-9a-f]{32}$/;
export const TWILIO_AUTH_TOKEN_PATTERN = /^[0-9a-f]{32}$/;
/** SMS.ru's api_id: a UUID-like key. */
export const SMSRU_API_ID_PATTERN = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** Alphanumeric sender ids (GSM 03.38 TP-OA): at most 11 characters; letters, digits and spaces, with a letter. */
export const ALPHANUMERIC_SENDER_MAX = 11;

export const PROVIDER_NAMES: Record<SmsProvider, string> = { smpp: 'SMPP', twilio: 'Twilio', smsru: 'SMS.ru' };

export interface Issue {
  path: string;
  message: string;
}

const text = (min: number, max: number) =>
  z
    .string({ message: 'must be text' })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

const bool = z.boolean({ message: 'must be true or false' });

const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ message }).int(message).min(min, message).max(max, message);
};

// --- sender ------------------------------------------------------------------------------------

const PHONE_LIKE = /^[+0-9\s().\-/]+$/;

/**
 * The sender as stored: a phone number in E.164 (written in international format, normalised and
 * checked with libphonenumber), or an alphanumeric sender id (1–11 letters, digits and spaces,
 * with at least one letter). Returns why it is neither.
 */
export function normalizeSender(raw: string): { value: string } | { problem: string } {
  const v = raw.trim();
  if (!v) return { problem: 'must not be empty: a phone number in international format (+447911123456) or an alphanumeric sender id (ACME)' };
  if (PHONE_LIKE.test(v)) {
    try {
      return { value: normalizePhone(v) };
    } catch (err) {
      if (!(err instanceof InvalidIdentityError)) throw err;
      return { problem: `${err.message}; an alphanumeric sender id needs at least one letter` };
    }
  }
  if (v.length > ALPHANUMERIC_SENDER_MAX) return { problem: `an alphanumeric sender id must be at most ${ALPHANUMERIC_SENDER_MAX} characters; a phone number starts with +` };
  if (!/^[A-Za-z0-9 ]+$/.test(v)) return { problem: 'an alphanumeric sender id may contain only the letters A-Z, digits and spaces; a phone number starts with +' };
  return { value: v.replace(/\s+/g, ' ') };
}

const sender = z.string({ message: 'must be a phone number such as +447911123456 or an alphanumeric sender id such as ACME' }).transform((v, ctx) => {
  const result = normalizeSender(v);
  if ('problem' in result) {
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  }
  return result.value;
});

// --- credentials -------------------------------------------------------------------------------

const CREDENTIAL_KEYS: Record<SmsProvider, { required: string[]; optional: string[] }> = {
  twilio: { required: ['accountSid', 'authToken'], optional: [] },
  smsru: { required: ['apiId'], optional: [] },
  smpp: { required: ['systemId', 'password'], optional: ['systemType'] },
};

const listKeys = (p: SmsProvider) => {
  const { required, optional } = CREDENTIAL_KEYS[p];
  return [...required, ...optional.map((k) => `${k} (optional)`)].join(', ');
};

/** Why one credential's value is wrong, or undefined. `value` is what was sent (trimmed where trimming is safe). */
function credentialProblem(provider: SmsProvider, key: string, value: string): string | undefined {
  switch (`${provider}.${key}`) {
    case 'twilio.accountSid':
      if (!value) return 'must not be empty: copy the Account SID from the Twilio console';
      if (/^SK/i.test(value)) return 'is an API key SID (SK…); give the Account SID (AC…) from the Twilio console';
      if (!TWILIO_ACCOUNT_SID_PATTERN.test(value)) return 'must be the Account SID from the Twilio console: AC followed by 32 hexadecimal digits (0-9, a-f)';
      return undefined;
    case 'twilio.authToken':
      if (!value) return 'must not be empty: copy the Auth Token from the Twilio console';
      if (!TWILIO_AUTH_TOKEN_PATTERN.test(value)) return 'must be the Auth Token from the Twilio console: 32 hexadecimal digits (0-9, a-f)';
      return undefined;
    case 'smsru.apiId':
      if (!value) return 'must not be empty: copy the api_id from your SMS.ru account';
      if (!SMSRU_API_ID_PATTERN.test(value)) return 'must be the api_id from your SMS.ru account: 36 characters such as 1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D';
      return undefined;
    case 'smpp.systemId':
    case 'smpp.password':
    case 'smpp.systemType': {
      const field = key as keyof typeof SMPP_LIMITS;
      const name = { systemId: 'system_id', password: 'password', systemType: 'system_type' }[field];
      if (!value) return `must not be empty: the ${name} your SMS provider gave you${field === 'systemType' ? ' (leave systemType out if it gave none)' : ''}`;
      if (!/^[\x20-\x7e]+$/.test(value)) return 'must be printable ASCII characters only (SMPP 3.4)';
      const max = SMPP_LIMITS[field];
      if (value.length > max) return `must be at most ${max} characters (SMPP 3.4 allows ${max + 1} octets for ${name}, the terminating NUL included)`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The provider's credentials, checked and cleaned (surrounding spaces dropped, except from an
 * SMPP password, which is taken exactly as given), or the problems at `credentials.<key>`.
 */
export function checkCredentials(provider: SmsProvider, raw: unknown): { credentials: SmsCredentials } | { issues: Issue[] } {
  const at = (key?: string) => (key ? `credentials.${key}` : 'credentials');
  if (raw === undefined || raw === null) return { issues: [{ path: at(), message: `are required: ${PROVIDER_NAMES[provider]} needs ${listKeys(provider)}` }] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { issues: [{ path: at(), message: `must be an object: ${PROVIDER_NAMES[provider]} needs ${listKeys(provider)}` }] };
  }
  const { required, optional } = CREDENTIAL_KEYS[provider];
  const issues: Issue[] = [];
  const out: Record<string, string> = {};
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!required.includes(key) && !optional.includes(key)) {
      issues.push({ path: at(key), message: `is not a ${PROVIDER_NAMES[provider]} credential; ${PROVIDER_NAMES[provider]} needs ${listKeys(provider)}` });
    }
  }
  for (const key of [...required, ...optional]) {
    const value = given[key];
    if (value === undefined) {
      if (required.includes(key)) issues.push({ path: at(key), message: `is required for ${PROVIDER_NAMES[provider]}` });
      continue;
    }
    if (typeof value !== 'string') {
      issues.push({ path: at(key), message: 'must be text' });
      continue;
    }
    const cleaned = provider === 'smpp' && key === 'password' ? value : value.trim();
    const problem = credentialProblem(provider, key, cleaned);
    if (problem) issues.push({ path: at(key), message: problem });
    else out[key] = cleaned;
  }
  return issues.length ? { issues } : { credentials: out as unknown as SmsCredentials };
}

/** Enough to recognise credentials, not to use them: Twilio `AC12…ab34` (the SID is no secret), SMS.ru `…ab34`, SMPP the system_id. */
export function credentialsHint(provider: SmsProvider, c: SmsCredentials): string {
  switch (provider) {
    case 'twilio': {
      const sid = (c as { accountSid: string }).accountSid;
      return `${sid.slice(0, 4)}…${sid.slice(-4)}`;
    }
    case 'smsru':
      return `…${(c as { apiId: string }).apiId.slice(-4)}`;
    case 'smpp':
      return (c as { systemId: string }).systemId;
  }
}

// --- connection ----------------------------------------------------------------------------------

/** Why `url` cannot be an HTTP provider's API base URL, or undefined. */
export function baseUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://api.twilio.com';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (u.username || u.password) return 'must not contain a user name or password: give them as credentials';
  if (u.search || u.hash || /[?#]/.test(url)) return 'must not have a query or fragment: the API paths are added to it';
  return undefined;
}

/** Kept without a trailing slash: the service adds the API's paths. */
const baseUrl = z
  .string({ message: 'must be an absolute URL such as https://api.twilio.com' })
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .superRefine((v, ctx) => {
    const problem = baseUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v.replace(/\/+$/, ''));

const smppHost = z
  .string({ message: 'must be a host name such as smsc.example.com, or an IP address' })
  .trim()
  .toLowerCase()
  .min(1, 'must not be empty')
  .superRefine((v, ctx) => {
    const problem = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? 'write only the host name, without a scheme such as smpp://' : hostProblem(v)?.replace('mail.example.com', 'smsc.example.com');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v.replace(/^\[(.*)\]$/, '$1'));

const PORT_MESSAGE = 'must be a port number from 1 to 65535';
const smppPort = z.number({ message: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);

const defaultRegion = z
  .string({ message: 'must be a two-letter country code such as GB or RU' })
  .trim()
  .toUpperCase()
  .refine((v) => /^[A-Z]{2}$/.test(v) && isPhoneRegion(v), 'must be a two-letter country code such as GB or RU (ISO 3166-1)');

const credentials = z
  .record(z.string(), z.unknown(), { message: 'must be an object with the provider\'s credentials' })
  .describe('twilio: { accountSid, authToken }; smsru: { apiId }; smpp: { systemId, password, systemType? }. Stored encrypted, never returned.');

const base = {
  name: text(1, 200),
  provider: z.enum(SMS_PROVIDERS, { message: `must be ${SMS_PROVIDERS.join(', ')}` }),
  sender,
  credentials,
  smppHost: smppHost.nullable(),
  smppPort: smppPort.nullable(),
  baseUrl: baseUrl.nullable(),
  throughputPerSecond: wholeNumber(1, 1000),
  maxSegments: wholeNumber(1, 20),
  defaultRegion: defaultRegion.nullable(),
  enabled: bool,
};

/** The connection settings a channel ends up with, for a new channel and for one after a change. */
export interface Connection {
  provider: SmsProvider;
  smppHost: string | null;
  smppPort: number | null;
  baseUrl: string | null;
}

/**
 * Settles the provider-specific settings: SMPP needs `smppHost` (port 2775 unless given) and takes
 * no `baseUrl`; Twilio and SMS.ru take no SMPP settings and get their API's default `baseUrl`
 * unless one is given (`null` asks for the default). `changed` holds what the request sent.
 */
export function settleConnection(
  provider: SmsProvider,
  changed: { smppHost?: string | null; smppPort?: number | null; baseUrl?: string | null },
  stored?: Connection,
): { connection: Connection } | { issues: Issue[] } {
  const issues: Issue[] = [];
  const keep = stored?.provider === provider;
  if (provider === 'smpp') {
    if (changed.baseUrl != null) issues.push({ path: 'baseUrl', message: 'is only for Twilio and SMS.ru: SMPP connects to smppHost and smppPort' });
    const host = changed.smppHost !== undefined ? changed.smppHost : keep ? stored.smppHost : null;
    if (!host) issues.push({ path: 'smppHost', message: 'is required for SMPP: the host name or IP address of your provider\'s SMSC' });
    const port = (changed.smppPort !== undefined ? changed.smppPort : keep ? stored.smppPort : null) ?? SMPP_DEFAULT_PORT;
    return issues.length ? { issues } : { connection: { provider, smppHost: host, smppPort: port, baseUrl: null } };
  }
  for (const key of ['smppHost', 'smppPort'] as const) {
    if (changed[key] != null) issues.push({ path: key, message: `is only for SMPP; ${PROVIDER_NAMES[provider]} is reached at baseUrl` });
  }
  const url = (changed.baseUrl !== undefined ? changed.baseUrl : keep ? stored.baseUrl : null) ?? SMS_PROVIDER_DEFAULT_BASE_URLS[provider];
  return issues.length ? { issues } : { connection: { provider, smppHost: null, smppPort: null, baseUrl: url } };
}

const D = SMS_CHANNEL_DEFAULTS;

export const createSmsChannelSchema = z
  .object({
    ...base,
    credentials: base.credentials.optional(),
    smppHost: base.smppHost.optional(),
    smppPort: base.smppPort.optional(),
    baseUrl: base.baseUrl.optional(),
    throughputPerSecond: base.throughputPerSecond.default(D.throughputPerSecond),
    maxSegments: base.maxSegments.default(D.maxSegments),
    defaultRegion: base.defaultRegion.optional().transform((v) => v ?? null),
    enabled: base.enabled.default(D.enabled),
  })
  .strict()
  .transform((b, ctx) => {
    const issues: Issue[] = [];
    const connection = settleConnection(b.provider, b);
    const creds = checkCredentials(b.provider, b.credentials);
    if ('issues' in connection) issues.push(...connection.issues);
    if ('issues' in creds) issues.push(...creds.issues);
    if ('issues' in connection || 'issues' in creds) {
      for (const i of issues) ctx.addIssue({ code: 'custom', path: i.path.split('.'), message: i.message });
      return z.NEVER;
    }
    return {
      name: b.name,
      sender: b.sender,
      throughputPerSecond: b.throughputPerSecond,
      maxSegments: b.maxSegments,
      defaultRegion: b.defaultRegion,
      enabled: b.enabled,
      ...connection.connection,
      credentials: creds.credentials,
    };
  });

/**
 * Only what is sent changes. `credentials` replaces the stored ones whole (all the provider's
 * keys); the rules between properties are checked against the stored channel with the change
 * applied, by the service.
 */
export const updateSmsChannelSchema = z
  .object({
    name: base.name.optional(),
    provider: base.provider.optional(),
    sender: base.sender.optional(),
    credentials: base.credentials.optional(),
    smppHost: base.smppHost.optional(),
    smppPort: base.smppPort.optional(),
    baseUrl: base.baseUrl.optional(),
    throughputPerSecond: base.throughputPerSecond.optional(),
    maxSegments: base.maxSegments.optional(),
    defaultRegion: base.defaultRegion.optional(),
    enabled: base.enabled.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one property of the channel' });

export const listSmsChannelsQuerySchema = pageQuerySchema
  .extend({
    provider: z.enum(SMS_PROVIDERS, { message: `must be ${SMS_PROVIDERS.join(', ')}` }).optional(),
    enabled: queryBoolean.optional(),
    state: z.enum(SMS_CHANNEL_STATES, { message: `must be ${SMS_CHANNEL_STATES.join(', ')}` }).optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export type CreateSmsChannelInput = z.infer<typeof createSmsChannelSchema>;
export type UpdateSmsChannelInput = z.infer<typeof updateSmsChannelSchema>;
export type ListSmsChannelsQuery = z.infer<typeof listSmsChannelsQuerySchema>;
