import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { threadHintsSchema } from '@switchboard/contracts';
import { classifyAutomation } from './loop.js';
import { threadHintsFor } from './message-id.js';
import { parseMail, type ParsedMail } from './parse.js';
import { extractReply } from './reply-text.js';

/** The corpus of hand-written real-world-shaped mails and what each must parse into (see expected.json). */

interface Expectation {
  from: string | null;
  fromName?: string;
  subject: string | null;
  snippet: string | null;
  replyExcludes?: string;
  replyContains?: string;
  replyMethod?: string;
  textContains?: string;
  lineContains?: string;
  textExcludes?: string;
  htmlContains?: string;
  htmlExcludes?: string | string[];
  htmlRemoteImage?: string;
  attachments?: string[];
  inlineCids?: string[];
  inlineFiles?: string[];
  dropped?: string[];
  autoSubmitted?: boolean;
  bounce?: { originalMessageId?: string; status?: string; action?: string; recipient?: string; diagnosticCodeContains?: string } | null;
  ticketNumber?: number;
  ticketNumberSource?: 'subject' | 'body';
  signedTicketNumber?: number | null;
  inReplyTo?: string;
  messageIdCount?: number;
  referencesCount?: number;
  cc?: string[];
  replyTo?: string[];
  problems?: boolean;
  messageIdGenerated?: boolean;
}

interface Manifest {
  options: { maxAttachmentBytes: number; maxTextChars: number; secret: string; markerFormat: string };
  messages: Record<string, Expectation>;
}

const DIR = join(process.cwd(), 'test', 'fixtures', 'email-corpus');
const manifest = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Manifest;
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.eml'))
  .sort();
const { maxAttachmentBytes, maxTextChars, secret, markerFormat } = manifest.options;
const opts = { maxAttachmentBytes, maxTextChars };
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A source that arrives in small, uneven chunks, as from an IMAP fetch. */
function chunked(buf: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0, n = 1; i < buf.length; i += n, n = (n * 7 + 13) % 4096 || 1) chunks.push(buf.subarray(i, i + n));
  return Readable.from(chunks);
}

describe('e-mail corpus', () => {
  it('has at least 50 mails, each listed in expected.json and no stale entries', () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(manifest.messages).sort()).toEqual(files);
  });

  describe.each(files)('%s', (file) => {
    const raw = readFileSync(join(DIR, file));
    const want = manifest.messages[file];
    let parsed: ParsedMail;

    beforeAll(async () => {
      parsed = await parseMail(raw, opts);
    });

    it('reads sender, subject and text', () => {
      expect(parsed.from?.address ?? null).toBe(want.from);
      if (want.fromName !== undefined) expect(parsed.from?.name).toBe(want.fromName);
      if (want.subject !== null) expect(parsed.subject).toBe(want.subject);
      expect(parsed.messageId).toMatch(/^<[^<>\s]+>$/);
      expect(parsed.messageIdGenerated).toBe(want.messageIdGenerated ?? parsed.messageIdGenerated);
      expect(parsed.text.length).toBeLessThanOrEqual(maxTextChars);
      expect(parsed.text).not.toContain('\u0000');

      const reply = extractReply(parsed.text, { subject: parsed.subject });
      if (want.snippet === '') expect(reply.reply).toBe('');
      else if (want.snippet !== null) expect(squash(reply.reply)).toContain(squash(want.snippet));
      if (parsed.text.trim()) expect(reply.reply.trim()).not.toBe('');
      if (want.replyExcludes) expect(reply.reply).not.toContain(want.replyExcludes);
      if (want.replyContains) expect(squash(reply.reply)).toContain(squash(want.replyContains));
      if (want.replyMethod) expect(reply.method).toBe(want.replyMethod);
      if (want.textContains) expect(squash(parsed.text)).toContain(squash(want.textContains));
      if (want.textExcludes) expect(parsed.text).not.toContain(want.textExcludes);
      if (want.lineContains) expect(parsed.text.split('\n')).toContainEqual(expect.stringContaining(want.lineContains));
      if (want.problems !== undefined) expect(parsed.problems.length > 0).toBe(want.problems);
    });

    it('keeps the HTML safe', () => {
      if (want.htmlContains) expect(parsed.html).toContain(want.htmlContains);
      for (const bad of list(want.htmlExcludes)) expect(parsed.html ?? '').not.toContain(bad);
      if (want.htmlRemoteImage) {
        expect(parsed.html).toContain(`data-remote-src="${want.htmlRemoteImage}"`);
        expect(parsed.html).not.toContain(` src="${want.htmlRemoteImage}"`);
      }
      expect(parsed.html ?? '').not.toMatch(/<script|\son\w+=|javascript:/i);
      expect(parsed.html ?? '').not.toMatch(/<img[^>]*\ssrc="(?:https?:)?\/\//i);
    });

    it('reads attachments', () => {
      if (want.attachments) expect(parsed.attachments.map((a) => a.filename).sort()).toEqual([...want.attachments].sort());
      if (want.inlineCids) expect(parsed.attachments.filter((a) => a.inline && a.contentId).map((a) => a.contentId)).toEqual(want.inlineCids);
      if (want.inlineFiles) expect(parsed.attachments.filter((a) => a.inline).map((a) => a.filename)).toEqual(want.inlineFiles);
      expect(parsed.droppedAttachments.map((d) => d.filename)).toEqual(want.dropped ?? []);
      for (const a of parsed.attachments) {
        expect(a.size).toBe(a.content.length);
        expect(a.size).toBeLessThanOrEqual(maxAttachmentBytes);
      }
    });

    it('tells machines from people and reads bounces', () => {
      const verdict = classifyAutomation(parsed);
      expect({ autoSubmitted: verdict.autoSubmitted, reasons: verdict.reasons }).toEqual({
        autoSubmitted: want.autoSubmitted ?? false,
        reasons: want.autoSubmitted ? expect.arrayContaining([expect.any(String)]) : [],
      });
      expect(verdict.isBounce).toBe(Boolean(want.bounce));
      if (want.bounce) {
        const { diagnosticCodeContains, ...fields } = want.bounce;
        expect(parsed.bounce).toMatchObject(fields);
        if (diagnosticCodeContains) expect(parsed.bounce?.diagnosticCode).toContain(diagnosticCodeContains);
      } else {
        expect(parsed.bounce).toBeUndefined();
      }
    });

    it('builds valid thread hints', () => {
      const hints = threadHintsFor(parsed, secret, markerFormat);
      expect(() => threadHintsSchema.parse(hints)).not.toThrow();
      expect(hints.ticketNumber).toBe(want.ticketNumber);
      expect(hints.ticketNumberSource).toBe(want.ticketNumberSource);
      if (want.signedTicketNumber !== undefined) expect(hints.signedTicketNumber).toBe(want.signedTicketNumber ?? undefined);
      if (want.inReplyTo) expect(hints.inReplyTo).toBe(want.inReplyTo);
      if (want.messageIdCount !== undefined) expect(hints.messageIds).toHaveLength(want.messageIdCount);
      if (want.referencesCount !== undefined) expect(parsed.references).toHaveLength(want.referencesCount);
      if (want.cc) expect(parsed.cc.map((a) => a.address)).toEqual(want.cc);
      if (want.replyTo) expect(parsed.replyTo.map((a) => a.address)).toEqual(want.replyTo);
    });

    it('parses the same from a stream arriving in small chunks', async () => {
      const streamed = await parseMail(chunked(raw), opts);
      expect({
        messageId: streamed.messageId,
        subject: streamed.subject,
        text: streamed.text,
        html: streamed.html,
        attachments: streamed.attachments.map((a) => [a.filename, a.size, a.content.toString('base64')]),
        dropped: streamed.droppedAttachments,
      }).toEqual({
        messageId: parsed.messageId,
        subject: parsed.subject,
        text: parsed.text,
        html: parsed.html,
        attachments: parsed.attachments.map((a) => [a.filename, a.size, a.content.toString('base64')]),
        dropped: parsed.droppedAttachments,
      });
    });
  });
});

describe('malformed input', () => {
  /** Deterministic pseudo-random numbers, so a failure can be replayed. */
  function rng(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x / 0x100000000;
    };
  }

  it('never throws on any prefix of a corpus mail', async () => {
    for (const file of files) {
      const raw = readFileSync(join(DIR, file));
      for (const fraction of [0.05, 0.3, 0.61, 0.9]) {
        const cut = raw.subarray(0, Math.floor(raw.length * fraction));
        const parsed = await parseMail(cut, opts);
        expect(parsed.messageId).toMatch(/^<[^<>\s]+>$/);
        expect(() => threadHintsFor(parsed, secret, markerFormat)).not.toThrow();
        expect(() => classifyAutomation(parsed)).not.toThrow();
        expect(() => extractReply(parsed.text)).not.toThrow();
      }
    }
  });

  it('never throws on corpus mails with bytes flipped and lines shuffled', async () => {
    const random = rng(20250301);
    for (const file of files) {
      const raw = Buffer.from(readFileSync(join(DIR, file)).subarray(0, 64 * 1024));
      for (let i = 0; i < 40; i++) raw[Math.floor(random() * raw.length)] = Math.floor(random() * 256);
      const lines = raw.toString('latin1').split('\n');
      for (let i = 0; i < 5; i++) {
        const a = Math.floor(random() * lines.length);
        const b = Math.floor(random() * lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
      }
      const parsed = await parseMail(Buffer.from(lines.join('\n'), 'latin1'), opts);
      expect(Array.isArray(parsed.problems)).toBe(true);
      expect(() => threadHintsFor(parsed, secret, markerFormat)).not.toThrow();
      expect(() => classifyAutomation(parsed)).not.toThrow();
      expect(() => extractReply(parsed.text)).not.toThrow();
    }
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['only a line break', Buffer.from('\r\n')],
    ['a header with no body', Buffer.from('Subject: x')],
    ['a boundary that never appears', Buffer.from('Content-Type: multipart/mixed; boundary=zzz\r\n\r\nno parts here\r\n')],
    ['a multipart without a boundary', Buffer.from('Content-Type: multipart/mixed\r\n\r\n--\r\n--\r\n')],
    ['nested multiparts 300 deep', Buffer.from(nested(300))],
    ['a 2 MB header block', Buffer.from(`X-Big: ${'a'.repeat(2 * 1024 * 1024)}\r\nSubject: big\r\n\r\nbody\r\n`)],
    ['only NUL bytes', Buffer.alloc(5000)],
  ])('never throws on %s', async (_, input) => {
    const parsed = await parseMail(input, opts);
    expect(parsed.messageId).toMatch(/^<[^<>\s]+>$/);
    expect(() => classifyAutomation(parsed)).not.toThrow();
  });

  function nested(depth: number): string {
    let body = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
    for (let i = 0; i < depth; i++) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}--b${i}--\r\n`;
    return `Subject: deep\r\n${body}`;
  }
});
