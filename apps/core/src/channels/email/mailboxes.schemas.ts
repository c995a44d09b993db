import { InvalidIdentityError, normalizeEmail } from '@switchboard/common';
import type { MailboxImapAuth, MailboxProcessedAction, MailboxSmtpSecurity, MailboxState } from '@switchboard/db';
import { isIP } from 'node:net';
import { z } from 'zod';
import { pageQuerySchema, queryBoolean } from '../../common/pagination.js';

export const IMAP_AUTH_METHODS = ['password', 'xoauth2'] as const satisfies readonly MailboxImapAuth[];
export const PROCESSED_ACTIONS = ['flag', 'move'] as const satisfies readonly MailboxProcessedAction[];
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const satisfies readonly MailboxSmtpSecurity[];
export const MAILBOX_STATES = ['active', 'error', 'disabled'] as const satisfies readonly MailboxState[];

export const MAILBOX_DEFAULTS = {
  imapTls: true,
  imapAuth: 'password',
  folder: 'INBOX',
  processedAction: 'flag',
  smtpSecurity: 'starttls',
  markerFormat: '[#{number}]',
  createContacts: true,
  maxAttachmentBytes: 10 * 1024 * 1024,
  enabled: true,
} as const;

/** The usual port for each way of connecting, used when none is given. */
export const IMAP_PORTS = { tls: 993, plain: 143 } as const;
export const SMTP_PORTS: Record<MailboxSmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 };

export const MARKER_PLACEHOLDER = '{number}';
export const SECRET_MAX = 4096;

/** Trimmed text of `min`..`max` characters, with messages a person can act on. */
const text = (min: number, max: number) =>
  z
    .string({ message: 'must be text' })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

const bool = z.boolean({ message: 'must be true or false' });

/** A DNS label: letters, digits and inner hyphens (underscores too: some internal names have them). */
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Why `host` is not a host name or IP address, or undefined when it is one. */
export function hostProblem(host: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'write only the host name, without a scheme such as imaps://';
  if (/^[^:[\]]+:\d+$/.test(host)) return 'write the port in its own field, not after the host name';
  if (/[/?#@\s]/.test(host)) return 'must be a host name such as mail.example.com, or an IP address';
  if (isIP(host.replace(/^\[(.*)\]$/, '$1'))) return undefined;
  if (host.length > 253) return 'must be at most 253 characters';
  const labels = host.replace(/\.$/, '').split('.');
  if (!labels.every((l) => HOST_LABEL.test(l))) return 'must be a host name such as mail.example.com (letters, digits, hyphens and dots), or an IP address';
  return undefined;
}

/** Lower-cased, IPv6 without brackets; the message says what is wrong. */
const host = z
  .string({ message: 'must be a host name such as mail.example.com, or an IP address' })
  .trim()
  .toLowerCase()
  .min(1, 'must not be empty')
  .superRefine((v, ctx) => {
    const problem = hostProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v.replace(/^\[(.*)\]$/, '$1'));

const PORT_MESSAGE = 'must be a port number from 1 to 65535';
const port = z.number({ message: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);

/** The mailbox's own address, normalised like a contact's (lower-case, IDN domains in punycode). */
const address = z
  .string({ message: 'must be an e-mail address' })
  .max(320, 'must be at most 320 characters')
  .transform((v, ctx) => {
    try {
      return normalizeEmail(v);
    } catch (err) {
      if (!(err instanceof InvalidIdentityError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  });

/** A password or token, taken exactly as given (spaces are allowed in passwords). */
const secret = z
  .string({ message: 'must be text' })
  .min(1, 'must not be empty')
  .max(SECRET_MAX, `must be at most ${SECRET_MAX} characters`);

const user = text(1, 320);

/** Why a marker format would not work, or undefined. */
export function markerFormatProblem(format: string): string | undefined {
  const count = format.split(MARKER_PLACEHOLDER).length - 1;
  if (count !== 1) return `must contain ${MARKER_PLACEHOLDER} exactly once, e.g. [#{number}]`;
  const rest = format.replace(MARKER_PLACEHOLDER, '');
  if (/[{}]/.test(rest)) return `only ${MARKER_PLACEHOLDER} may be in braces, e.g. [#{number}]`;
  if (/[\p{Cc}]/u.test(format)) return 'must be on one line, without control characters';
  // A bare number would turn any number in a subject into a ticket reference.
  if (!/[^\s\d]/u.test(rest)) return `needs text around ${MARKER_PLACEHOLDER} that is not digits or spaces, e.g. [#{number}] or (Ticket {number})`;
  return undefined;
}

const markerFormat = z
  .string({ message: 'must be text' })
  .max(50, 'must be at most 50 characters')
  .superRefine((v, ctx) => {
    const problem = markerFormatProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const folder = text(1, 200);

/** A blank display name is none. */
const displayName = z
  .string({ message: 'must be text' })
  .trim()
  .max(200, 'must be at most 200 characters')
  .nullable()
  .transform((v) => v || null);

const maxAttachmentBytes = z
  .number({ message: 'must be a number of bytes' })
  .int('must be a whole number of bytes')
  .min(1024, 'must be at least 1024 bytes');

const base = {
  name: text(1, 200),
  address,
  displayName,
  imapHost: host,
  imapPort: port,
  imapTls: bool,
  imapUser: user,
  imapAuth: z.enum(IMAP_AUTH_METHODS, { message: `must be ${IMAP_AUTH_METHODS.join(' or ')}` }),
  imapSecret: secret,
  folder,
  processedAction: z.enum(PROCESSED_ACTIONS, { message: `must be ${PROCESSED_ACTIONS.join(' or ')}` }),
  processedFolder: folder.nullable(),
  smtpHost: host,
  smtpPort: port,
  smtpSecurity: z.enum(SMTP_SECURITY, { message: `must be ${SMTP_SECURITY.join(', ')}` }),
  smtpUser: user.nullable(),
  smtpSecret: secret.nullable(),
  markerFormat,
  createContacts: bool,
  maxAttachmentBytes,
  enabled: bool,
};

/** The settings the rules between properties look at, after a change is applied to what is stored. */
export interface MailboxRuleInput {
  folder: string;
  processedAction: MailboxProcessedAction;
  processedFolder: string | null;
  smtpUser: string | null;
  /** Whether there is (or will be) an SMTP secret. */
  hasSmtpSecret: boolean;
}

export interface Issue {
  path: string;
  message: string;
}

/** The rules between properties, for a new mailbox and for one after a change. */
export function mailboxRuleIssues(m: MailboxRuleInput): Issue[] {
  const issues: Issue[] = [];
  if (m.processedAction === 'move' && !m.processedFolder) {
    issues.push({ path: 'processedFolder', message: 'is required when processedAction is move: the folder processed messages are moved to' });
  }
  if (m.processedAction === 'flag' && m.processedFolder) {
    issues.push({ path: 'processedFolder', message: 'is only used when processedAction is move' });
  }
  if (m.processedFolder && m.processedFolder === m.folder) {
    issues.push({ path: 'processedFolder', message: `must differ from folder ("${m.folder}"): messages moved there would be read again` });
  }
  if (m.smtpUser && !m.hasSmtpSecret) issues.push({ path: 'smtpSecret', message: 'is required when smtpUser is set' });
  if (!m.smtpUser && m.hasSmtpSecret) issues.push({ path: 'smtpUser', message: 'is required when smtpSecret is set (or send no smtpSecret to send without logging in)' });
  return issues;
}

const D = MAILBOX_DEFAULTS;

/**
 * A new mailbox. Ports default to the usual one for the connection (IMAP 993 with TLS, else 143;
 * SMTP 465 for tls, 587 for starttls, 25 for none).
 */
export const createMailboxSchema = z
  .object({
    ...base,
    displayName: base.displayName.optional().transform((v) => v ?? null),
    imapPort: base.imapPort.optional(),
    imapTls: base.imapTls.default(D.imapTls),
    imapAuth: base.imapAuth.default(D.imapAuth),
    folder: base.folder.default(D.folder),
    processedAction: base.processedAction.default(D.processedAction),
    processedFolder: base.processedFolder.optional().transform((v) => v ?? null),
    smtpPort: base.smtpPort.optional(),
    smtpSecurity: base.smtpSecurity.default(D.smtpSecurity),
    smtpUser: base.smtpUser.optional().transform((v) => v ?? null),
    smtpSecret: base.smtpSecret.optional().transform((v) => v ?? null),
    markerFormat: base.markerFormat.default(D.markerFormat),
    createContacts: base.createContacts.default(D.createContacts),
    maxAttachmentBytes: base.maxAttachmentBytes.default(D.maxAttachmentBytes),
    enabled: base.enabled.default(D.enabled),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const issue of mailboxRuleIssues({ ...m, hasSmtpSecret: m.smtpSecret !== null })) {
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    }
  })
  .transform((m) => ({
    ...m,
    imapPort: m.imapPort ?? (m.imapTls ? IMAP_PORTS.tls : IMAP_PORTS.plain),
    smtpPort: m.smtpPort ?? SMTP_PORTS[m.smtpSecurity],
  }));

/**
 * Only what is sent changes; the rules between properties are checked against the stored
 * mailbox with the change applied (MailboxesService). `smtpUser: null` also drops the SMTP
 * secret; `processedAction: "flag"` also drops the processed folder.
 */
export const updateMailboxSchema = z
  .object({
    name: base.name.optional(),
    address: base.address.optional(),
    displayName: base.displayName.optional(),
    imapHost: base.imapHost.optional(),
    imapPort: base.imapPort.optional(),
    imapTls: base.imapTls.optional(),
    imapUser: base.imapUser.optional(),
    imapAuth: base.imapAuth.optional(),
    imapSecret: base.imapSecret.optional(),
    folder: base.folder.optional(),
    processedAction: base.processedAction.optional(),
    processedFolder: base.processedFolder.optional(),
    smtpHost: base.smtpHost.optional(),
    smtpPort: base.smtpPort.optional(),
    smtpSecurity: base.smtpSecurity.optional(),
    smtpUser: base.smtpUser.optional(),
    smtpSecret: base.smtpSecret.optional(),
    markerFormat: base.markerFormat.optional(),
    createContacts: base.createContacts.optional(),
    maxAttachmentBytes: base.maxAttachmentBytes.optional(),
    enabled: base.enabled.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one property of the mailbox' });

export const listMailboxesQuerySchema = pageQuerySchema
  .extend({
    enabled: queryBoolean.optional(),
    state: z.enum(MAILBOX_STATES, { message: `must be ${MAILBOX_STATES.join(', ')}` }).optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export type CreateMailboxInput = z.infer<typeof createMailboxSchema>;
export type UpdateMailboxInput = z.infer<typeof updateMailboxSchema>;
export type ListMailboxesQuery = z.infer<typeof listMailboxesQuerySchema>;
