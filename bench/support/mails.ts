/**
 * A deterministic stream of customer e-mails for bench/email.ts, as raw RFC 5322 sources the way
 * mail clients write them: mail `i` is a pure function of `i`, so every run reads the same bytes.
 *
 * The mix (after the first MAIL_REPLY_GAP mails, which are all first contacts):
 *   60 %  a new customer writes (new contact, new ticket)
 *   10 %  a customer seen before writes about something new (known contact, new ticket)
 *   30 %  a follow-up in an existing conversation: "Re: <subject>", In-Reply-To and References
 *         naming the earlier mails of that conversation, the earlier text quoted below the new one
 * Bodies: 150–3,000 characters of text (skewed towards short), quoted-printable; 45 % also carry
 * an HTML alternative; 10 % carry 1–2 small files (PDF, PNG or CSV, 2–60 KiB, base64). Headers as
 * a large provider delivers them: Return-Path, two Received, a DKIM-Signature, encoded-word
 * display names for the non-ASCII ones.
 */
import { createHash } from 'node:crypto';
import { between, DOMAINS, FIRST, paragraphs, pick, rng, skewed, words } from './messages.js';

/** A follow-up refers to a mail at least this many positions earlier, so that one is committed by then. */
export const MAIL_REPLY_GAP = 200;

const SEED = 0x6d41c3;
const BASE_TIME = Date.parse('2031-05-04T07:30:00.000Z');
const LAST = ['Smith', 'Jones', 'García', 'Müller', 'Rossi', 'Dubois', 'Novák', 'Silva', 'Kowalski', 'Berg', 'Øster', 'Ng'];
const CLIENTS = ['Mozilla Thunderbird', 'Apple Mail (2.3774)', 'Microsoft Outlook 16.0', 'K-9 Mail for Android', undefined, undefined];
const streamFor = (i: number, salt: number) => rng(SEED ^ Math.imul(i + 1, 0x9e3779b1) ^ salt);

export type MailKind = 'new' | 'returning' | 'reply';

interface MailHeader {
  index: number;
  kind: MailKind;
  name: string;
  address: string;
  domain: string;
  subject: string;
  messageId: string;
  /** The conversation's earlier Message-IDs, oldest first (References). */
  references: string[];
  /** The mail this one answers (its index), for the quote. */
  parent?: number;
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .toLowerCase();

/** Who wrote mail `i` and where it belongs (no body: cheap to recompute for the parents). */
function header(i: number): MailHeader {
  const r = streamFor(i, 0x4d1);
  const roll = r();
  const hex = hexOf(r, 12);
  const span = i - MAIL_REPLY_GAP;
  if (span > 0 && roll >= 0.6) {
    if (roll >= 0.7) {
      // Recent conversations get more follow-ups than old ones.
      const p = header(span - 1 - Math.floor(r() ** 2 * span));
      return {
        ...p,
        index: i,
        kind: 'reply',
        subject: `Re: ${p.subject.replace(/^(?:Re: )+/, '')}`,
        messageId: `<${hex}.${i}@${p.domain}>`,
        references: [...p.references, p.messageId].slice(-10),
        parent: p.index,
      };
    }
    // A known customer (any earlier one, uniformly) with a new question.
    const p = header(Math.floor(r() * span));
    return { ...p, index: i, kind: 'returning', subject: subjectLine(r), messageId: `<${hex}.${i}@${p.domain}>`, references: [], parent: undefined };
  }
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const domain = pick(r, DOMAINS);
  return {
    index: i,
    kind: 'new',
    name: `${first} ${last}`,
    address: `${ascii(first)}.${ascii(last)}.${i}@${domain}`,
    domain,
    subject: subjectLine(r),
    messageId: `<${hex}.${i}@${domain}>`,
    references: [],
  };
}

function subjectLine(r: () => number): string {
  const s = words(r, between(r, 12, 60));
  return r() < 0.15 ? `${s} (order #${between(r, 100_000, 999_999)})` : s;
}

/** The text a mail's author wrote (without quote), a function of its index. */
function ownParagraphs(i: number): string[] {
  const r = streamFor(i, 0xb0d7);
  return paragraphs(r, skewed(r, 150, 3_000));
}

export interface BenchMail {
  index: number;
  kind: MailKind;
  messageId: string;
  /** CRLF line ends, as sent over IMAP. */
  raw: Buffer;
  /** Files attached (each becomes an attachment row beside the raw source). */
  attachments: number;
}

export interface MailOptions {
  /** The mailbox's address (To). */
  to: string;
  /** Overrides the stream's own files with one file of this many bytes (the memory phase's large mail). */
  bigAttachmentBytes?: number;
}

/** The complete mail `i`. */
export function benchMail(i: number, opts: MailOptions): BenchMail {
  const h = header(i);
  const r = streamFor(i, 0x7e57);
  const date = new Date(BASE_TIME + i * 37_000 + between(r, 0, 30_000));
  const own = ownParagraphs(i);
  const greeting = pick(r, ['Hello,', 'Hi,', 'Dear support team,', 'Good morning,', 'Hello again,']);
  const signoff = pick(r, ['Best regards,', 'Thanks,', 'Kind regards,', 'Cheers,']);
  const text: string[] = [greeting, '', ...own.flatMap((p) => [p, '']), signoff, h.name.split(' ')[0]];
  if (h.kind === 'reply' && h.parent !== undefined) {
    const ph = header(h.parent);
    const when = new Date(BASE_TIME + h.parent * 37_000).toUTCString();
    text.push('', `On ${when}, ${ph.name} <${ph.address}> wrote:`, ...ownParagraphs(h.parent).slice(0, 3).map((p) => `> ${p}`));
  }
  const plain = text.join('\n');
  const html =
    r() < 0.45
      ? `<div dir="ltr"><p>${greeting}</p>${own.map((p) => `<p>${p}</p>`).join('')}<p>${signoff}<br><b>${h.name}</b></p></div>`
      : undefined;
  const files: { filename: string; type: string; content: Buffer }[] = [];
  if (opts.bigAttachmentBytes !== undefined) {
    files.push({ filename: `disk-image-${i}.bin`, type: 'application/octet-stream', content: noise(streamFor(i, 0xf11e), opts.bigAttachmentBytes) });
  } else if (r() < 0.1) {
    const count = r() < 0.25 ? 2 : 1;
    for (let k = 0; k < count; k++) files.push(smallFile(r, i, k));
  }

  const agent = pick(r, CLIENTS);
  const received = date.toUTCString().replace('GMT', '+0000');
  const head = [
    `Return-Path: <${h.address}>`,
    `Delivered-To: ${opts.to}`,
    `Received: from mx${between(r, 1, 9)}.${h.domain} (mx${between(r, 1, 9)}.${h.domain} [192.0.2.${between(r, 1, 254)}])\r\n\tby mail.switchboard.example with ESMTPS id ${hexOf(r, 10)}\r\n\tfor <${opts.to}>; ${received}`,
    `Received: by mail-${hexOf(r, 4)}.${h.domain} with SMTP id ${hexOf(r, 16)}; ${received}`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${h.domain}; s=sel${between(r, 1, 4)};\r\n\th=from:to:subject:date:message-id:mime-version;\r\n\tbh=${base64Of(r, 32)};\r\n\tb=${foldBase64(base64Of(r, 256))}`,
    `From: ${displayName(h.name)} <${h.address}>`,
    `To: ${opts.to}`,
    `Subject: ${encodeWord(h.subject)}`,
    `Date: ${received}`,
    `Message-ID: ${h.messageId}`,
    ...(h.kind === 'reply' ? [`In-Reply-To: ${h.references[h.references.length - 1]}`, `References: ${h.references.join('\r\n ')}`] : []),
    ...(agent ? [`User-Agent: ${agent}`] : []),
    'MIME-Version: 1.0',
  ];
  const textPart = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(plain)];
  const bodyPart = html
    ? multipart('alternative', boundaryOf(r), [textPart, ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(html)]])
    : textPart;
  const top = files.length
    ? multipart('mixed', boundaryOf(r), [
        bodyPart,
        ...files.map((f) => [
          `Content-Type: ${f.type}; name="${f.filename}"`,
          `Content-Disposition: attachment; filename="${f.filename}"`,
          'Content-Transfer-Encoding: base64',
          '',
          base64Lines(f.content),
        ]),
      ])
    : bodyPart;
  const raw = Buffer.from(`${[...head, ...top].join('\r\n')}\r\n`, 'utf8');
  return { index: i, kind: h.kind, messageId: h.messageId, raw, attachments: files.length };
}

function multipart(subtype: string, boundary: string, parts: string[][]): string[] {
  return [`Content-Type: multipart/${subtype}; boundary="${boundary}"`, '', ...parts.flatMap((p) => [`--${boundary}`, ...p]), `--${boundary}--`];
}

function smallFile(r: () => number, i: number, k: number): { filename: string; type: string; content: Buffer } {
  const size = skewed(r, 2 * 1024, 60 * 1024);
  const which = r();
  if (which < 0.4) {
    const pdf = Buffer.concat([Buffer.from(`%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n`, 'latin1'), noise(r, size)]);
    return { filename: `invoice-${i}-${k}.pdf`, type: 'application/pdf', content: pdf };
  }
  if (which < 0.8) {
    const png = noise(r, size);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    return { filename: `screenshot-${i}-${k}.png`, type: 'image/png', content: png };
  }
  const rows = ['date,order,amount,status'];
  for (let len = 0; len < size; ) {
    const row = `2031-0${between(r, 1, 9)}-1${between(r, 0, 9)},${between(r, 100_000, 999_999)},${between(r, 1, 999)}.${between(r, 10, 99)},${pick(r, ['paid', 'open', 'refunded'])}`;
    rows.push(row);
    len += row.length + 1;
  }
  return { filename: `orders-${i}-${k}.csv`, type: 'text/csv', content: Buffer.from(rows.join('\n'), 'utf8') };
}

/** Pseudo-random bytes (incompressible, as a real file would mostly be), fast enough for 25 MiB. */
function noise(r: () => number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let seed = Buffer.from(Math.floor(r() * 2 ** 32).toString(16));
  for (let at = 0; at < size; at += 64) {
    seed = createHash('sha512').update(seed).digest();
    seed.copy(out, at, 0, Math.min(64, size - at));
  }
  return out;
}

const hexOf = (r: () => number, chars: number) => Array.from({ length: chars }, () => Math.floor(r() * 16).toString(16)).join('');
const base64Of = (r: () => number, bytes: number) => Buffer.from(Array.from({ length: bytes }, () => Math.floor(r() * 256))).toString('base64');
const foldBase64 = (s: string) => s.replace(/.{70}/g, '$&\r\n\t').trimEnd();
const base64Lines = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
const boundaryOf = (r: () => number) => `----=_Part_${hexOf(r, 8)}_${hexOf(r, 12)}`;

/** RFC 2047 Q encoding when the text is not plain ASCII. */
function encodeWord(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) out += (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ? String.fromCharCode(b) : b === 0x20 ? '_' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return `=?UTF-8?Q?${out}?=`;
}

function displayName(name: string): string {
  const encoded = encodeWord(name);
  return encoded === name ? `"${name}"` : encoded;
}

/** Quoted-printable (RFC 2045), lines of at most 76 characters, CRLF line ends. */
function quotedPrintable(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    let out = '';
    let width = 0;
    const bytes = Buffer.from(line, 'utf8');
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k];
      const last = k === bytes.length - 1;
      const plain = (b >= 33 && b <= 126 && b !== 61) || (b === 32 && !last);
      const token = plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      if (width + token.length > 75) {
        lines.push(`${out}=`);
        out = '';
        width = 0;
      }
      out += token;
      width += token.length;
    }
    lines.push(out);
  }
  return lines.join('\r\n');
}
