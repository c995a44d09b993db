/**
 * The customers' side of the Telegram benchmark (bench/telegram.ts): a deterministic stream of
 * private-chat messages, played through the Bot API emulator's users, and the replies of the
 * outbound phase. Item `i` of a stream depends only on the seed and the items before it, so every
 * run sees the same traffic.
 *
 * The mix (after the first FOLLOW_UP_GAP items, which all come from new customers):
 *   1 - follow-up - quick  a new customer's first message (a new chat, contact and ticket)
 *   follow-up (40 %)       a customer writes again in their chat, at least FOLLOW_UP_GAP items after
 *                          their first message (so that its ticket is committed by then)
 *   quick (default 5 %)    a customer's next message right after their previous one (1–3 items
 *                          later), as people send a greeting and then the question
 * Text: 5–400 characters, skewed towards short. A share (default 3 %) is a photo (1600×1200,
 * 1280×960 or 800×600 PNG, 15–150 KB), six in ten with a caption.
 */
import { samplePng, type BotApiEmulator, type EmulatedUser } from '../../test/support/telegram/bot-api-emulator.js';
import type { TgUpdate } from '../../test/support/telegram/types.js';
import { between, FIRST, LAST, pick, rng, skewed, words } from './messages.js';

/** A follow-up comes at least this many items after its customer's first message. */
export const FOLLOW_UP_GAP = 300;
const FOLLOW_UP_SHARE = 0.4;

export type TrafficKind = 'first' | 'follow-up' | 'quick';

export interface TrafficItem {
  /** The customer, numbered from 0 within the stream. */
  user: number;
  kind: TrafficKind;
  /** The text, or the photo's caption ('' for none). */
  text: string;
  /** Index into photos() when the message is a photo. */
  photo: number | undefined;
}

export interface TrafficMix {
  photoRatio: number;
  quickRatio: number;
}

/** The first n items of the stream with this seed. */
export function trafficStream(n: number, seed: number, mix: TrafficMix): TrafficItem[] {
  const r = rng(seed);
  const items: TrafficItem[] = [];
  let users = 0;
  for (let i = 0; i < n; i++) {
    const roll = r();
    let user: number;
    let kind: TrafficKind;
    if (i >= FOLLOW_UP_GAP && roll < mix.quickRatio) {
      kind = 'quick';
      user = items[i - between(r, 1, Math.min(3, i))].user;
    } else if (i >= FOLLOW_UP_GAP && roll < mix.quickRatio + FOLLOW_UP_SHARE) {
      kind = 'follow-up';
      // The customer of an item at least FOLLOW_UP_GAP back (so their first message is too);
      // recent customers write again more often than old ones.
      const span = i - FOLLOW_UP_GAP + 1;
      user = items[span - 1 - Math.floor(r() ** 2 * span)].user;
    } else {
      kind = 'first';
      user = users++;
    }
    const isPhoto = r() < mix.photoRatio;
    const text = isPhoto ? (r() < 0.6 ? words(r, between(r, 8, 120)) : '') : words(r, skewed(r, 5, 400));
    items.push({ user, kind, text, photo: isPhoto ? Math.floor(r() * PHOTO_SIZES.length) : undefined });
  }
  return items;
}

const PHOTO_SIZES: [number, number][] = [
  [1600, 1200],
  [1280, 960],
  [800, 600],
];
let photoCache: Buffer[] | undefined;

/** The photos customers send: real PNGs (the emulator reads their size), made once. */
export function photos(): Buffer[] {
  photoCache ??= PHOTO_SIZES.map(([w, h]) => samplePng(w, h));
  return photoCache;
}

/** The emulator's users of one stream: user k has the Telegram id idBase + k. */
export class Customers {
  private readonly handles = new Map<number, EmulatedUser>();

  constructor(
    private readonly tg: BotApiEmulator,
    private readonly token: string,
    private readonly idBase: number,
  ) {}

  chatId(user: number): number {
    return this.idBase + user;
  }

  handle(user: number): EmulatedUser {
    let h = this.handles.get(user);
    if (!h) {
      const r = rng(this.idBase ^ Math.imul(user + 1, 0x9e3779b1));
      const first = pick(r, FIRST);
      h = this.tg.user(this.token, {
        id: this.chatId(user),
        firstName: first,
        ...(r() < 0.7 ? { lastName: pick(r, LAST) } : {}),
        ...(r() < 0.5 ? { username: `${first.toLowerCase()}_${this.chatId(user).toString(36)}` } : {}),
        languageCode: pick(r, ['en', 'de', 'fr', 'es', 'it', 'pl']),
      });
      this.handles.set(user, h);
    }
    return h;
  }

  /** The customer of `item` sends it through the emulator; the update it produced. */
  send(item: TrafficItem): TgUpdate {
    const user = this.handle(item.user);
    if (item.photo === undefined) return user.sendText(item.text).update;
    return user.sendPhoto(photos()[item.photo], item.text ? { caption: item.text } : {}).update;
  }
}

/** One reply of the outbound phase: the k-th (from 1) of `of` to one chat. */
export interface PlannedReply {
  chat: number;
  k: number;
  of: number;
  body: string;
}

/**
 * The outbound phase's replies: `perChat` to each of `chats` chats (users 1..chats) and `hot` to
 * user 0's chat, interleaved round by round as agents answering several customers would send them.
 * Each body names its chat and number, so duplicates and order can be checked in the emulator.
 */
export function replyPlan(chats: number, perChat: number, hot: number, seed: number): PlannedReply[] {
  const r = rng(seed);
  const counts = [hot, ...Array.from({ length: chats }, () => perChat)];
  const out: PlannedReply[] = [];
  for (let k = 1; k <= Math.max(...counts); k++) {
    counts.forEach((of, chat) => {
      if (k > of) return;
      const body = `${words(r, skewed(r, 40, 700))}.\n\nRegards, ${pick(r, FIRST)} from support [reply ${k}/${of} to chat ${chat}]`;
      out.push({ chat, k, of, body });
    });
  }
  return out;
}

/** Reads the `[reply k/of to chat c]` tag back from a text as the customer received it. */
export function replyTag(text: string): { chat: number; k: number } | undefined {
  const m = /\[reply (\d+)\/\d+ to chat (\d+)\]$/.exec(text);
  return m ? { chat: Number(m[2]), k: Number(m[1]) } : undefined;
}
