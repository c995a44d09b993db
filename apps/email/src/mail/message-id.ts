import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ThreadHints } from '@switchboard/contracts';
import { findBodyMarker, findSubjectMarker } from './markers.js';
import type { ParsedMail } from './parse.js';

/**
 * Signed Message-IDs for the mail we send: `<t123.m456.SIGNATURE@domain>`, where t is the ticket
 * number, m the caller's key for the message and SIGNATURE 80 bits of an HMAC-SHA256 over
 * "t123.m456" in base36. A reply's In-Reply-To/References then name the ticket even when the
 * stored message row is gone; the signature keeps anyone from pointing a mail at a ticket by
 * writing such an id themselves. The domain is not signed: providers rewrite it.
 */

const SIGNATURE_CHARS = 16;
const MAX_MESSAGE_IDS = 100;
const MAX_ID_LENGTH = 998;
const MESSAGE_KEY_RE = /^[A-Za-z0-9-]{1,64}$/;
const DOMAIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const SIGNED_ID_RE = /^<?t(\d{1,15})\.m([a-z0-9-]{1,64})\.([0-9a-z]{16})@[^<>@\s]+>?$/i;

export interface SignMessageIdInput {
  ticketNumber: number;
  /** The message's number or short id (letters, digits and dashes; compared case-insensitively). */
  messageKey: string | number;
  /** The domain after the @, e.g. the support mailbox's domain. */
  domain: string;
  secret: string;
}

/** A secret, or several while one is being rotated (the first signs, all verify). */
export type MessageIdSecret = string | readonly string[];

function signature(payload: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(payload).digest();
  // 80 bits fit 16 base36 digits (36^16 > 2^80), so every signature has the same length.
  return BigInt(`0x${mac.subarray(0, 10).toString('hex')}`)
    .toString(36)
    .padStart(SIGNATURE_CHARS, '0');
}

const payloadOf = (ticketNumber: number, messageKey: string) => `t${ticketNumber}.m${messageKey.toLowerCase()}`;

export function signMessageId({ ticketNumber, messageKey, domain, secret }: SignMessageIdInput): string {
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber <= 0) throw new RangeError(`ticket number must be a positive integer, got ${ticketNumber}`);
  const key = String(messageKey);
  if (!MESSAGE_KEY_RE.test(key)) throw new RangeError(`message key must be 1-64 letters, digits or dashes, got ${JSON.stringify(key)}`);
  if (!DOMAIN_RE.test(domain) || domain.length > 253) throw new RangeError(`not a domain name: ${JSON.stringify(domain)}`);
  if (!secret) throw new RangeError('a Message-ID secret is required');
  const payload = payloadOf(ticketNumber, key);
  return `<${payload}.${signature(payload, secret)}@${domain.toLowerCase()}>`;
}

/**
 * The ticket number and message key of one of our signed Message-IDs (angle brackets optional,
 * any domain, case-insensitive); undefined when `id` is not one or its signature does not match.
 */
export function verifyMessageId(id: string, secret: MessageIdSecret): { ticketNumber: number; messageKey: string } | undefined {
  const m = SIGNED_ID_RE.exec(id.trim());
  if (!m) return undefined;
  const ticketNumber = Number(m[1]);
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber <= 0) return undefined;
  const messageKey = m[2];
  const given = Buffer.from(m[3].toLowerCase());
  const payload = payloadOf(ticketNumber, messageKey);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  let valid = false;
  for (const s of secrets) {
    if (!s) continue;
    // Both are 16 ASCII characters, so timingSafeEqual never sees different lengths.
    if (timingSafeEqual(given, Buffer.from(signature(payload, s)))) valid = true;
  }
  return valid ? { ticketNumber, messageKey } : undefined;
}

/** What threading needs of a parsed mail. */
export type ThreadSource = Pick<ParsedMail, 'inReplyTo' | 'references' | 'subject' | 'text' | 'html' | 'bodyMarker'>;

/**
 * The thread hints of an inbound mail: the Message-IDs it answers (In-Reply-To first, then
 * References from the last, i.e. nearest, to the first; de-duplicated, at most 100), the first of
 * them that is one of our validly signed ids, and a ticket number from the subject marker or,
 * failing that, the body marker.
 */
export function threadHintsFor(parsed: ThreadSource, secret: MessageIdSecret, markerFormat: string): ThreadHints {
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string | undefined) => {
    const v = id?.trim();
    if (!v || v.length > MAX_ID_LENGTH || seen.has(v) || ids.length >= MAX_MESSAGE_IDS) return;
    seen.add(v);
    ids.push(v);
  };
  add(parsed.inReplyTo);
  for (let i = parsed.references.length - 1; i >= 0; i--) add(parsed.references[i]);

  const hints: ThreadHints = { messageIds: ids };
  const inReplyTo = parsed.inReplyTo?.trim();
  if (inReplyTo && seen.has(inReplyTo)) hints.inReplyTo = inReplyTo;

  for (const id of ids) {
    const signed = verifyMessageId(id, secret);
    if (signed) {
      hints.signedTicketNumber = signed.ticketNumber;
      break;
    }
  }

  const fromSubject = findSubjectMarker(markerFormat, parsed.subject);
  if (fromSubject !== undefined) {
    hints.ticketNumber = fromSubject;
    hints.ticketNumberSource = 'subject';
  } else {
    const fromBody = parsed.bodyMarker ?? findBodyMarker(parsed.text, parsed.html);
    if (fromBody !== undefined) {
      hints.ticketNumber = fromBody;
      hints.ticketNumberSource = 'body';
    }
  }
  return hints;
}

const RESPONSE_ID_RE = /<([^<>\s@]{1,500}@[^<>\s@]{1,500})>/g;
/** A provider's bare id: long enough not to be a short queue id, which nobody references. */
const PROVIDER_TOKEN_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]{18,250}$/;
/** Words after which relays put their id: `250 Ok <id>`, `queued as <id>`, `id=<id>`. */
const ID_LEAD_WORDS = new Set(['ok', 'as', 'id', 'message-id']);

/**
 * The ids an SMTP relay says it gave a mail, from its reply to DATA, other than our own
 * Message-ID: some relays replace the Message-ID header (Amazon SES: `250 Ok 0100018c…-000000`,
 * the new header being `<0100018c…-000000@…amazonses.com>`; Microsoft 365 names a full
 * `<id@host>`). A full id is returned with its angle brackets; a bare token stands for the local
 * part of the id the recipient will see. Short tokens (a relay's own queue id) are not returned:
 * replies never reference them.
 */
export function providerMessageIds(response: string | undefined, ours: string): string[] {
  if (!response) return [];
  const text = response.slice(0, 2000);
  const own = ours.trim().toLowerCase();
  const ownLocal = own.replace(/^</, '').split('@')[0];
  const found = new Set<string>();
  for (const m of text.matchAll(RESPONSE_ID_RE)) {
    const id = `<${m[1]}>`;
    if (id.toLowerCase() !== own) found.add(id);
  }
  const words = text.split(/\s+/);
  words.forEach((word, i) => {
    const [lead, inline] = word.split('=', 2);
    const candidate = inline ?? (ID_LEAD_WORDS.has(lead.replace(/:$/, '').toLowerCase()) ? words[i + 1] : undefined);
    if (inline !== undefined && lead.toLowerCase() !== 'id') return;
    const token = candidate?.replace(/[.,;]+$/, '');
    if (token && PROVIDER_TOKEN_RE.test(token) && token.toLowerCase() !== ownLocal) found.add(token);
  });
  return [...found].slice(0, 10);
}
