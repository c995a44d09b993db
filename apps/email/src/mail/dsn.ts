import libmime from 'libmime';
import type { ParsedMail } from './parse.js';

/**
 * Bounces: delivery status notifications (RFC 3464, `multipart/report;
 * report-type=delivery-status`), read from their machine-readable part, and the common
 * non-standard ones (a mailer-daemon mail quoting the original headers in its text), read
 * minimally from the text.
 */

export interface BounceInfo {
  /** The Message-ID of the mail that bounced, with angle brackets. */
  originalMessageId?: string;
  /** The enhanced status code, e.g. `5.1.1`. */
  status?: string;
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded` (lower-case). */
  action?: string;
  /** The remote server's answer, without its `smtp;` type prefix. */
  diagnosticCode?: string;
  /** The address that failed, lower-cased, without its `rfc822;` type prefix. */
  recipient?: string;
}

/** What reading a bounce needs of a parsed mail. */
export type BounceSource = Pick<ParsedMail, 'isReport' | 'report' | 'from' | 'subject' | 'text' | 'headers' | 'inReplyTo' | 'attachments'>;

type Fields = Record<string, string[]>;

const DAEMON_LOCAL_PART = /^(?:mailer-daemon|mail-daemon|maildaemon|postmaster|mail-delivery-subsystem)$/i;
const BOUNCE_SUBJECT =
  /^\s*(?:undeliver(?:ed|able)|undelivered mail returned to sender|delivery status notification|mail delivery (?:failed|failure|system)|delivery fail(?:ed|ure)|returned mail|failure notice|non[- ]?delivery|nicht zustellbar|unzustellbar|не доставлено|недоставленное сообщение|уведомление о доставке)/iu;
const STATUS_RE = /\b([245]\.\d{1,3}\.\d{1,3})\b/;
const MAX_FIELD = 1000;

/** The failure a bounce reports; undefined when the mail is not a bounce. */
export function parseBounce(parsed: BounceSource): BounceInfo | undefined {
  if (parsed.isReport && parsed.report?.type === 'delivery-status') return fromDeliveryStatus(parsed);
  if (parsed.isReport) return undefined;
  return looksLikeBounce(parsed) ? fromText(parsed) : undefined;
}

/** Whether the sender is a mail system rather than a person: mailer-daemon, postmaster and the like. */
export function isDaemonAddress(address: string | undefined): boolean {
  const local = address?.split('@')[0];
  return Boolean(local && DAEMON_LOCAL_PART.test(local));
}

function looksLikeBounce(parsed: BounceSource): boolean {
  if (isDaemonAddress(parsed.from?.address)) return true;
  if (parsed.headers['x-failed-recipients']?.length) return true;
  const nullSender = parsed.headers['return-path']?.some((v) => /^<\s*>$/.test(v.trim())) ?? false;
  return nullSender && BOUNCE_SUBJECT.test(parsed.subject);
}

function fieldBlocks(text: string): Fields[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .filter((block) => block.trim())
    .map((block) => {
      try {
        return libmime.decodeHeaders(block, { skipPrototypeKeys: true });
      } catch {
        return {};
      }
    });
}

const firstField = (fields: Fields | undefined, key: string) => fields?.[key]?.find((v) => v.trim())?.trim();

/** `rfc822; user@example.org` → `user@example.org`; `smtp; 550 …` → `550 …`. */
const withoutType = (value: string) => value.replace(/^\s*[A-Za-z0-9-]+\s*;\s*/, '').trim();

function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /<?([^\s<>;"]+@[^\s<>;"]+?)>?$/.exec(withoutType(value));
  return m ? m[1].toLowerCase() : undefined;
}

const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD);

function messageIdIn(headers: string | undefined): string | undefined {
  if (!headers) return undefined;
  const fields = fieldBlocks(headers)[0];
  const id = firstField(fields, 'message-id');
  return id ? /<[^<>\s]+>/.exec(id)?.[0] : undefined;
}

function fromDeliveryStatus(parsed: BounceSource): BounceInfo {
  const info: BounceInfo = {};
  const blocks = parsed.report?.deliveryStatus ? fieldBlocks(parsed.report.deliveryStatus) : [];
  const perRecipient = blocks.slice(1).filter((b) => b['final-recipient'] || b['action'] || b['status']);
  const chosen =
    perRecipient.find((b) => firstField(b, 'action')?.toLowerCase() === 'failed') ??
    perRecipient.find((b) => firstField(b, 'action')?.toLowerCase() === 'delayed') ??
    perRecipient[0];

  if (chosen) {
    const action = firstField(chosen, 'action');
    if (action) info.action = oneLine(action).toLowerCase();
    const status = STATUS_RE.exec(firstField(chosen, 'status') ?? '')?.[1];
    if (status) info.status = status;
    const diagnostic = firstField(chosen, 'diagnostic-code');
    if (diagnostic) info.diagnosticCode = oneLine(withoutType(diagnostic));
    const recipient = address(firstField(chosen, 'final-recipient')) ?? address(firstField(chosen, 'original-recipient'));
    if (recipient) info.recipient = recipient;
  }
  const original = messageIdIn(parsed.report?.originalHeaders) ?? parsed.inReplyTo;
  if (original) info.originalMessageId = original;
  // A report whose machine part could not be read still says something in its text.
  if (!chosen) return { ...fromText(parsed), ...info };
  return info;
}

const TEXT_MESSAGE_ID = /^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)/im;
const TEXT_FINAL_RECIPIENT = /^[ \t>]*(?:Final|Original)-Recipient:[ \t]*(?:rfc822;)?[ \t]*<?([^\s<>;"]+@[^\s<>;"]+?)>?[ \t]*$/im;
/** qmail: `<user@example.org>:` alone on a line; exim: the address indented alone on a line. */
const TEXT_RECIPIENT_LINE = /^(?:[ \t]*<([^\s<>"]+@[^\s<>"]+)>:?|[ \t]+([^\s<>"]+@[^\s<>"]+))[ \t]*$/m;
const TEXT_DIAGNOSTIC_FIELD = /^[ \t>]*Diagnostic-Code:[ \t]*(.+)$/im;
const TEXT_SMTP_REPLY = /^.*\b[45]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\b)?.{3,}$/m;

function embeddedMessageHead(parsed: BounceSource): string | undefined {
  const message = parsed.attachments.find((a) => a.contentType === 'message/rfc822' || a.contentType === 'text/rfc822-headers');
  return message?.content.subarray(0, 256 * 1024).toString('utf8');
}

function fromText(parsed: BounceSource): BounceInfo {
  const info: BounceInfo = {};
  // The quoted original is long; the parts we look for sit near the top of the report.
  const text = parsed.text.slice(0, 200_000);

  const id = TEXT_MESSAGE_ID.exec(text)?.[1] ?? messageIdIn(embeddedMessageHead(parsed)) ?? parsed.inReplyTo;
  if (id) info.originalMessageId = id;

  const failed = parsed.headers['x-failed-recipients']?.[0]?.split(',')[0];
  const recipientLine = TEXT_RECIPIENT_LINE.exec(text);
  const recipient = address(failed) ?? TEXT_FINAL_RECIPIENT.exec(text)?.[1] ?? recipientLine?.[1] ?? recipientLine?.[2];
  if (recipient) info.recipient = recipient.toLowerCase();

  const diagnostic = TEXT_DIAGNOSTIC_FIELD.exec(text)?.[1] ?? TEXT_SMTP_REPLY.exec(text)?.[0];
  if (diagnostic) info.diagnosticCode = oneLine(withoutType(diagnostic));

  const status = STATUS_RE.exec(text)?.[1];
  if (status) info.status = status;
  const temporary = status?.startsWith('4') || /^\s*(?:delayed|warning)\b/i.test(parsed.subject) || /\bdelivery (?:has been )?delayed\b/i.test(parsed.subject);
  info.action = temporary ? 'delayed' : 'failed';
  return info;
}
