/**
 * The ticket page's pure helpers (no React, no imports: test/console/ticket-helpers.spec.ts
 * type-checks them with core's tsconfig): mentions, reply channels.
 */

/** The `@word` being typed right before the caret, if any. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, query: m[2].toLowerCase() } : null;
}

export const mentionToken = (a: { id: string; name: string }) => `@[${a.name.replace(/[[\]]/g, '')}](agent:${a.id})`;

/** The `@[Name](agent:<id>)` tokens in a note's text. */
export const MENTION = /@\[([^\]]+)\]\(agent:([0-9a-fA-F-]{36})\)/g;

export type ReplyChannel = 'email' | 'sms' | 'telegram';

/** The channels a reply can go out on, from the contact's identities (a phone is answered by SMS). */
export function replyChannels(identities: { kind: string; optedOutAt: string | null }[]): { channel: ReplyChannel; optedOut: boolean }[] {
  const out = new Map<ReplyChannel, boolean>();
  for (const i of identities) {
    const channel: ReplyChannel | null = i.kind === 'email' ? 'email' : i.kind === 'telegram' ? 'telegram' : i.kind === 'phone' ? 'sms' : null;
    if (!channel) continue;
    // Opted out only when every address on that channel is.
    out.set(channel, (out.get(channel) ?? true) && Boolean(i.optedOutAt));
  }
  const order: ReplyChannel[] = ['email', 'telegram', 'sms'];
  return order.filter((c) => out.has(c)).map((channel) => ({ channel, optedOut: out.get(channel)! }));
}

/** The customer's channel: that of their last message (a web form is answered by e-mail), if it can be replied on. */
export function customerChannel(messages: { direction: string; channel: string | null }[], available: ReplyChannel[]): ReplyChannel | undefined {
  const last = [...messages].reverse().find((m) => m.direction === 'inbound' && m.channel);
  const c = last?.channel === 'webform' ? 'email' : last?.channel;
  return available.find((a) => a === c) ?? available[0];
}
