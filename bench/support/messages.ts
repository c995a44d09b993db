/**
 * A deterministic stream of inbound messages, as the channel services would publish them.
 * Message `i` is a pure function of `i` (and the seed), so every phase of the benchmark sees the
 * same payloads without holding 100k of them in memory, and two runs are comparable.
 *
 * The mix (after the first REPLY_GAP messages, which are all first contacts):
 *   55 %  a new sender opens a new conversation (new contact, new ticket)
 *   10 %  a known e-mail sender writes about something new (known contact, new ticket)
 *   35 %  a reply in an existing conversation, carrying the hint its channel would send:
 *         e-mail In-Reply-To/References (Message-IDs), Telegram chat id / SMS number (thread key)
 * Channels of first contacts: e-mail 55 %, Telegram 25 %, SMS 10 %, web form 10 %.
 * Sizes: e-mail 0.2–4 KB of text (half also with HTML), Telegram up to 400 chars, SMS up to 160,
 * web form up to 1.5 KB plus form fields.
 */
import { Channel, type InboundMessageInput } from '@switchboard/contracts';

/**
 * A reply answers a message at least this many positions earlier: the queue is consumed in order
 * with a bounded concurrency, so the parent is committed by then and the hint really matches.
 */
export const REPLY_GAP = 500;

const SEED = 0x5b0a7d;
const BASE_TIME = Date.parse('2031-03-02T08:00:00.000Z');

export const WORDS = (
  'the a to and of in is it you that for on with my this we can not have order account invoice ' +
  'please help thanks hello hi regards issue problem still working again since yesterday today ' +
  'payment card refund delivery package tracking number password login reset email phone app ' +
  'error message screen update version install printer laptop router connection slow broken ' +
  'could would should will when where why how what which there their our your any some more ' +
  'time week month urgent asap customer support team ticket reply attached screenshot file ' +
  'subscription plan upgrade cancel renew price charge twice wrong address name change'
).split(' ');

export const DOMAINS = Array.from({ length: 40 }, (_, k) => `mail${k}.example.net`);
export const FIRST = ['Ann', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Gina', 'Hugo', 'Ines', 'Jon', 'Kim', 'Lea'];
export const LAST = ['Smith', 'Jones', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Novak', 'Silva', 'Kowalski', 'Berg'];

/** mulberry32: tiny, fast, good enough to pick words. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const streamFor = (i: number, salt: number) => rng(SEED ^ Math.imul(i + 1, 0x9e3779b1) ^ salt);
export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const between = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export function words(r: () => number, chars: number): string {
  const out: string[] = [];
  let len = 0;
  while (len < chars) {
    const w = pick(r, WORDS);
    out.push(w);
    len += w.length + 1;
  }
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function paragraphs(r: () => number, chars: number): string[] {
  const ps: string[] = [];
  let left = chars;
  while (left > 0) {
    const n = Math.min(left, between(r, 80, 600));
    ps.push(`${words(r, n)}.`);
    left -= n;
  }
  return ps;
}

/** Skewed towards short: most messages are a few hundred characters, a few are long. */
export const skewed = (r: () => number, lo: number, hi: number) => Math.floor(lo + (hi - lo) * r() ** 2.5);

export type MessageKind = 'new' | 'returning' | 'reply';

interface Header {
  kind: MessageKind;
  channel: Channel;
  channelAccountId: string;
  externalId: string;
  sender: NonNullable<InboundMessageInput['sender']>;
  subject?: string;
  messageIds: string[];
  threadKey?: string;
}

/** Who wrote message `i`, where, and which conversation it belongs to (no body: cheap to recompute for parents). */
function header(i: number): Header {
  const r = streamFor(i, 0x1234);
  const roll = r();
  if (i >= REPLY_GAP && roll >= 0.55) {
    const span = i - REPLY_GAP;
    // Recent conversations get more replies than old ones.
    const parentIndex = span - 1 - Math.floor(r() ** 2 * span);
    const parent = header(parentIndex);
    if (parent.channel !== Channel.Webform) {
      const returning = roll < 0.65 && parent.channel === Channel.Email;
      const h: Header = {
        kind: returning ? 'returning' : 'reply',
        channel: parent.channel,
        channelAccountId: parent.channelAccountId,
        externalId: externalIdFor(parent.channel, i, r),
        sender: parent.sender,
        messageIds: [],
        threadKey: parent.threadKey,
      };
      if (parent.channel === Channel.Email) {
        h.subject = returning ? words(r, between(r, 15, 60)) : `Re: ${parent.subject!.replace(/^Re: /, '')}`;
        // In-Reply-To first, then the References chain, capped as a mail client would.
        if (!returning) h.messageIds = [parent.externalId, ...parent.messageIds].slice(0, 20);
      }
      return h;
    }
  }
  return firstContact(i, r);
}

function firstContact(i: number, r: () => number): Header {
  const name = `${pick(r, FIRST)} ${pick(r, LAST)}`;
  const email = `customer${i}@${pick(r, DOMAINS)}`;
  const c = r();
  if (c < 0.55) {
    return {
      kind: 'new',
      channel: Channel.Email,
      channelAccountId: 'support@switchboard.example',
      externalId: externalIdFor(Channel.Email, i, r),
      sender: { email, displayName: name },
      subject: words(r, between(r, 15, 70)),
      messageIds: [],
    };
  }
  if (c < 0.8) {
    const chat = String(700_000_000 + i);
    return {
      kind: 'new',
      channel: Channel.Telegram,
      channelAccountId: 'bot:switchboard_support_bot',
      externalId: externalIdFor(Channel.Telegram, i, r),
      sender: { telegramId: chat, displayName: name },
      messageIds: [],
      threadKey: chat,
    };
  }
  if (c < 0.9) {
    const phone = `+1${2_000_000_000 + i}`;
    return {
      kind: 'new',
      channel: Channel.Sms,
      channelAccountId: '+15550100000',
      externalId: externalIdFor(Channel.Sms, i, r),
      sender: { phone },
      messageIds: [],
      threadKey: phone,
    };
  }
  return {
    kind: 'new',
    channel: Channel.Webform,
    channelAccountId: 'webform:contact',
    externalId: externalIdFor(Channel.Webform, i, r),
    sender: { email, displayName: name },
    subject: words(r, between(r, 15, 70)),
    messageIds: [],
  };
}

function externalIdFor(channel: Channel, i: number, r: () => number): string {
  const hex = Math.floor(r() * 2 ** 48).toString(16).padStart(12, '0');
  switch (channel) {
    case Channel.Email:
      return `${hex}.${i}@mail.example.net`;
    case Channel.Telegram:
      return String(100_000_000 + i);
    case Channel.Sms:
      return `SM${hex}${i}`;
    case Channel.Webform:
      return `wf-${hex}-${i}`;
  }
}

export interface BenchMessage {
  kind: MessageKind;
  msg: InboundMessageInput;
}

/** The complete payload of message `i`. */
export function benchMessage(i: number): BenchMessage {
  const h = header(i);
  const r = streamFor(i, 0xbeef);
  const msg: InboundMessageInput = {
    v: 1,
    channel: h.channel,
    channelAccountId: h.channelAccountId,
    externalId: h.externalId,
    receivedAt: new Date(BASE_TIME + i * 1_000).toISOString(),
    sender: h.sender,
    text: '',
    attachmentIds: [],
    threadHints: { messageIds: h.messageIds, ...(h.threadKey ? { threadKey: h.threadKey } : {}) },
    autoSubmitted: false,
  };
  switch (h.channel) {
    case Channel.Email: {
      msg.subject = h.subject;
      const ps = paragraphs(r, skewed(r, 200, 4_000));
      if (h.kind === 'reply') ps.push(...paragraphs(r, between(r, 100, 800)).map((p) => `> ${p}`));
      msg.text = `Hello,\n\n${ps.join('\n\n')}\n\nBest regards,\n${h.sender.displayName ?? ''}`;
      if (r() < 0.5) {
        msg.html =
          `<div dir="ltr"><p>Hello,</p>${ps.map((p) => `<p>${p}</p>`).join('')}` +
          `<p>See <a href="https://example.net/orders/${i}">order ${i}</a>.</p><p>Best regards,<br><b>${h.sender.displayName ?? ''}</b></p></div>`;
      }
      break;
    }
    case Channel.Telegram:
      msg.text = words(r, skewed(r, 5, 400));
      break;
    case Channel.Sms:
      msg.text = words(r, between(r, 5, 160));
      break;
    case Channel.Webform:
      msg.subject = h.subject;
      msg.text = paragraphs(r, skewed(r, 100, 1_500)).join('\n\n');
      msg.metadata = { page: '/contact', product: pick(r, ['Basic', 'Pro', 'Enterprise']), orderNumber: String(between(r, 10_000, 99_999)), consent: true };
      break;
  }
  return { kind: h.kind, msg };
}
