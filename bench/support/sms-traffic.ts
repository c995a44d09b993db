/**
 * The customers' side of the SMS benchmark (bench/sms.ts): a deterministic stream of inbound SMS
 * and the agents' replies of the outbound phase. Item `i` of a stream depends only on the seed
 * and the items before it, so every run sees the same traffic.
 *
 * The mix (after the first FOLLOW_UP_GAP items, which all come from new customers):
 *   first (about 57 %)  a new customer's first SMS (a new number, contact and ticket)
 *   follow-up (40 %)    a customer writes again, at least FOLLOW_UP_GAP items after their first SMS
 *                       (so that its ticket is committed by then)
 *   quick (3 %)         a customer's next SMS right after their previous one (1–3 items later)
 * Customers: 85 % write in English from German mobile numbers (+49 176 …), GSM-7 text; 15 % in
 * Russian from Russian mobile numbers (+7 916 …), UCS-2. Text: mostly one segment; about 8 % are
 * longer and take 2–4 segments. Every text carries an order number unique in the stream, so that
 * two SMS are never the same text from the same number (SMPP's ids are made from the content).
 */
import { between, pick, rng, skewed, words } from './messages.js';

/** A follow-up comes at least this many items after its customer's first message. */
export const FOLLOW_UP_GAP = 300;
const FOLLOW_UP_SHARE = 0.4;
const QUICK_SHARE = 0.03;
const CYRILLIC_SHARE = 0.15;
const LONG_SHARE = 0.08;

export type SmsKind = 'first' | 'follow-up' | 'quick';

export interface SmsItem {
  /** The customer, numbered from 0 within the stream. */
  customer: number;
  kind: SmsKind;
  /** E.164. */
  from: string;
  cyrillic: boolean;
  text: string;
}

const RU_WORDS = (
  'здравствуйте добрый день заказ номер не пришёл посылка доставка оплата карта возврат деньги ' +
  'пароль вход приложение ошибка экран счёт списали дважды подписка отменить помогите пожалуйста ' +
  'спасибо когда где почему сегодня вчера снова не работает курьер адрес изменить телефон'
).split(' ');

function ruWords(r: () => number, chars: number): string {
  const out: string[] = [];
  let len = 0;
  while (len < chars) {
    const w = pick(r, RU_WORDS);
    out.push(w);
    len += w.length + 1;
  }
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The customer's number: k-th of the stream whose numbers start at `numberBase` (a different base
 * per phase keeps the phases' customers apart). Valid mobile numbers for libphonenumber.
 */
export function customerNumber(numberBase: number, k: number, cyrillic: boolean): string {
  const n = numberBase + k;
  return cyrillic ? `+7916${String(n % 10_000_000).padStart(7, '0')}` : `+49176${String(n % 100_000_000).padStart(8, '0')}`;
}

function smsText(r: () => number, cyrillic: boolean, order: number): string {
  const long = r() < LONG_SHARE;
  if (cyrillic) {
    // UCS-2: 70 units in one SMS, 67 per part.
    const chars = long ? between(r, 80, 250) : skewed(r, 8, 55);
    return `${ruWords(r, chars)}. Заказ ${order}`;
  }
  // GSM-7: 160 in one SMS, 153 per part.
  const chars = long ? between(r, 170, 580) : skewed(r, 8, 135);
  return `${words(r, chars)}${pick(r, ['.', '?', '!', '', ' :(', '...'])} Order ${order}`;
}

/** The first n items of the stream with this seed; numbers from `numberBase`, order numbers from `orderBase`. */
export function smsStream(n: number, seed: number, numberBase: number, orderBase: number): SmsItem[] {
  const r = rng(seed);
  const items: SmsItem[] = [];
  const cyrillicOf: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const roll = r();
    let customer: number;
    let kind: SmsKind;
    if (i >= FOLLOW_UP_GAP && roll < QUICK_SHARE) {
      kind = 'quick';
      customer = items[i - between(r, 1, Math.min(3, i))].customer;
    } else if (i >= FOLLOW_UP_GAP && roll < QUICK_SHARE + FOLLOW_UP_SHARE) {
      kind = 'follow-up';
      const span = i - FOLLOW_UP_GAP + 1;
      customer = items[span - 1 - Math.floor(r() ** 2 * span)].customer;
    } else {
      kind = 'first';
      customer = cyrillicOf.length;
      cyrillicOf.push(r() < CYRILLIC_SHARE);
    }
    const cyrillic = cyrillicOf[customer];
    items.push({ customer, kind, from: customerNumber(numberBase, customer, cyrillic), cyrillic, text: smsText(r, cyrillic, orderBase + i) });
  }
  return items;
}

/** One agent's reply of the outbound phase. */
export interface PlannedSmsReply {
  /** Index into the tickets the replies go to. */
  ticket: number;
  body: string;
}

/**
 * `count` replies over `tickets` tickets (round robin): half one segment, three in ten two, two
 * in ten three; 15 % in Russian (UCS-2). Each ends with a tag `[r<k>]` unique in the plan, so that
 * what reached the SMSC can be matched to what was written.
 */
export function smsReplyPlan(count: number, tickets: number, seed: number): PlannedSmsReply[] {
  const r = rng(seed);
  const out: PlannedSmsReply[] = [];
  for (let k = 0; k < count; k++) {
    const roll = r();
    const segments = roll < 0.5 ? 1 : roll < 0.8 ? 2 : 3;
    const cyrillic = r() < CYRILLIC_SHARE;
    const tag = ` [r${k}]`;
    // Lengths safely inside `segments` segments (GSM-7 160 / 153 per part, UCS-2 70 / 67).
    const [lo, hi] = cyrillic ? [[20, 60], [80, 125], [145, 190]][segments - 1] : [[40, 140], [175, 290], [320, 440]][segments - 1];
    const chars = between(r, lo, hi);
    const body = cyrillic ? `${ruWords(r, chars)}.` : `${words(r, chars)}.`;
    out.push({ ticket: k % tickets, body: `${body.slice(0, hi)}${tag}` });
  }
  return out;
}

/** Reads the `[r<k>]` tag back from a text as the SMSC or Twilio received it. */
export function smsReplyTag(text: string): number | undefined {
  const m = /\[r(\d+)\]$/.exec(text);
  return m ? Number(m[1]) : undefined;
}
