/**
 * What a deliver_sm (or data_sm) from the SMSC means: a delivery receipt for one of our
 * submit_sm, or a customer's message (possibly one part of a concatenated one).
 *
 * Receipts: esm_class message type 0x04 (MC delivery receipt) or 0x20 (intermediate
 * notification), or a receipted_message_id TLV. The receipt text follows SMPP 3.4 Appendix B:
 *   "id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…"
 * The TLVs receipted_message_id / message_state / network_error_code win over the text.
 *
 * Inbound: the text is decoded per data_coding (0x00 GSM-7 unpacked, 0x01 IA5/ASCII, 0x03
 * Latin-1, 0x08 UCS-2; the GSM DCS groups 0x10–0x3F and 0xF0–0xFF by their alphabet bits); a
 * concatenation header (UDH IE 0x00 with 8-bit or 0x08 with 16-bit reference, when esm_class has
 * 0x40) or the sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs give `part`.
 */
import { createHash } from 'node:crypto';
import smpp from 'smpp';
import { decodeGsm7, decodeUcs2 } from '../../encoding/gsm7.js';
import type { DeliveryReceipt, InboundSms } from '../provider.js';

const UDHI = 0x40;
const TON_INTERNATIONAL = 1;

export type DeliverContent =
  | { kind: 'receipt'; receipt: DeliveryReceipt; stat: string; err?: string }
  | { kind: 'inbound'; sms: InboundSms };

/** A deliver_sm we cannot make sense of (answered with ESME_RX_P_APPN: redelivering will not help). */
export class UnreadableDeliverError extends Error {
  override readonly name = 'UnreadableDeliverError';
}

export interface UdhElement {
  iei: number;
  data: Buffer;
}

/**
 * The octets the SMSC sent in short_message / message_payload, UDH included. The smpp package
 * decodes them on arrival when the PDU has a data_coding (to `{ udh: IE buffers, message: string }`);
 * this undoes that exactly (its GSM, Latin-1 and UCS-2 codecs round-trip), so our own decoders
 * see what was on the wire.
 */
export function messageOctets(value: unknown, dataCoding: number): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'latin1');
  const { udh, message } = value as { udh?: Buffer[]; message?: unknown };
  const header = udh && udh.length > 0 ? udhOctets(udh) : Buffer.alloc(0);
  let body: Buffer;
  if (Buffer.isBuffer(message)) body = message;
  else if (typeof message === 'string') {
    // The package's choice of codec (filters.message.decode), applied in reverse.
    const shift = udh?.find((ie) => ie[0] === 0x24 || ie[0] === 0x25);
    if (shift) body = smpp.gsmCoder.encode(message, shift[2] ?? 0);
    else body = libCodec(dataCoding).encode(message);
  } else body = Buffer.alloc(0);
  return Buffer.concat([header, body]);
}

function udhOctets(elements: Buffer[]): Buffer {
  const body = Buffer.concat(elements);
  return Buffer.concat([Buffer.from([body.length]), body]);
}

function libCodec(dataCoding: number): smpp.Encoding {
  const low = dataCoding & 0x0f;
  let name = smpp.encodings.default;
  if (low !== 0) name = Object.keys(smpp.consts.ENCODING).find((key) => smpp.consts.ENCODING[key] === low) ?? name;
  const codec = smpp.encodings[name];
  if (!codec) throw new UnreadableDeliverError(`no codec for data_coding ${dataCoding}`);
  return codec;
}

/** Splits a user data header (first octet = its length) off `octets`. Malformed: no UDH. */
export function splitUdh(octets: Buffer): { elements: UdhElement[]; payload: Buffer } | null {
  if (octets.length === 0) return null;
  const udhl = octets[0];
  if (udhl + 1 > octets.length) return null;
  const elements: UdhElement[] = [];
  let i = 1;
  while (i < udhl + 1) {
    if (i + 2 > udhl + 1) return null;
    const iei = octets[i];
    const len = octets[i + 1];
    if (i + 2 + len > udhl + 1) return null;
    elements.push({ iei, data: octets.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return { elements, payload: octets.subarray(udhl + 1) };
}

/** The concatenation information element (0x00: 8-bit reference, 0x08: 16-bit reference), if any. */
export function concatFromUdh(elements: UdhElement[]): { ref: number; total: number; seq: number } | undefined {
  for (const { iei, data } of elements) {
    if (iei === 0x00 && data.length === 3) return { ref: data[0], total: data[1], seq: data[2] };
    if (iei === 0x08 && data.length === 4) return { ref: data.readUInt16BE(0), total: data[2], seq: data[3] };
  }
  return undefined;
}

type Alphabet = 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'binary';

/** The alphabet an SMPP data_coding names (SMPP 3.4 §5.2.19, and the GSM 03.38 DCS groups). */
export function alphabetOf(dataCoding: number): Alphabet {
  switch (dataCoding) {
    case 0x00:
      return 'gsm7';
    case 0x01:
      return 'ascii';
    case 0x03:
      return 'latin1';
    case 0x08:
      return 'ucs2';
    case 0x02:
    case 0x04:
      return 'binary';
  }
  if (dataCoding >= 0xf0) return dataCoding & 0x04 ? 'binary' : 'gsm7';
  if (dataCoding >= 0x10 && dataCoding <= 0x3f) {
    const bits = (dataCoding >> 2) & 0x03;
    return bits === 0 ? 'gsm7' : bits === 2 ? 'ucs2' : 'binary';
  }
  // Other SMSC-specific codings (JIS, Cyrillic, Hebrew …): Latin-1 keeps every octet visible.
  return 'latin1';
}

export function decodeText(payload: Buffer, dataCoding: number): string {
  switch (alphabetOf(dataCoding)) {
    case 'gsm7':
      return decodeGsm7(payload);
    case 'ascii':
      return payload.toString('latin1').replace(/[\x80-\xff]/g, '\ufffd');
    case 'latin1':
      return payload.toString('latin1');
    case 'ucs2':
      return decodeUcs2(payload);
    case 'binary':
      return payload.toString('latin1');
  }
}

export interface ReceiptFields {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  stat?: string;
  err?: string;
  text?: string;
}

/** The fields of an SMPP 3.4 Appendix B receipt text (case-insensitive keys, any order). */
export function parseReceiptText(text: string): ReceiptFields {
  const field = (key: string): string | undefined => new RegExp(`(?:^|\\s)${key}:(\\S*)`, 'i').exec(text)?.[1] || undefined;
  const fields: ReceiptFields = {
    id: field('id'),
    sub: field('sub'),
    dlvrd: field('dlvrd'),
    submitDate: field('submit date'),
    doneDate: field('done date'),
    stat: field('stat')?.toUpperCase(),
    err: field('err'),
  };
  const textAt = /(?:^|\s)text:/i.exec(text);
  if (textAt) fields.text = text.slice(textAt.index + textAt[0].length);
  for (const key of Object.keys(fields) as Array<keyof ReceiptFields>) if (fields[key] === undefined) delete fields[key];
  return fields;
}

/** message_state TLV values (SMPP 3.4 §5.2.28) as the receipt stat words. */
const MESSAGE_STATES: Record<number, string> = {
  0: 'SCHEDULED',
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
  9: 'SKIPPED',
};

const DELIVERED_STATS = new Set(['DELIVRD', 'DELIVERED']);
const FAILED_STATS = new Set(['UNDELIV', 'UNDELIVERABLE', 'REJECTD', 'REJECTED', 'EXPIRED', 'DELETED', 'SKIPPED', 'FAILED']);

/** DELIVRD → delivered; UNDELIV / REJECTD / EXPIRED / DELETED (and SKIPPED) → failed; anything else (ACCEPTD, ENROUTE, UNKNOWN …) → sent. */
export function receiptStatus(stat: string): DeliveryReceipt['status'] {
  if (DELIVERED_STATS.has(stat)) return 'delivered';
  return FAILED_STATS.has(stat) ? 'failed' : 'sent';
}

function isReceipt(pdu: smpp.PDU): boolean {
  const esmClass = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
  const messageType = esmClass & 0x3c;
  return messageType === 0x04 || messageType === 0x20 || (typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id !== '');
}

/** `+digits` for an international (TON 1) number, else the address as sent. */
export function addressOf(addr: unknown, ton: unknown): string {
  const value = typeof addr === 'string' ? addr.trim() : '';
  if (ton === TON_INTERNATIONAL && /^\d+$/.test(value)) return `+${value}`;
  return value;
}

/** What a deliver_sm / data_sm carries. Throws UnreadableDeliverError for a receipt without an id. */
export function interpretDeliverSm(pdu: smpp.PDU, now = new Date()): DeliverContent {
  const dataCoding = typeof pdu.data_coding === 'number' ? pdu.data_coding : 0;
  const esmClass = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
  const shortMessage = messageOctets(pdu.short_message, dataCoding);
  const octets = shortMessage.length > 0 ? shortMessage : messageOctets(pdu.message_payload, dataCoding);

  let payload = octets;
  let part: InboundSms['part'];
  if (esmClass & UDHI) {
    const udh = splitUdh(octets);
    if (udh) {
      payload = udh.payload;
      part = concatFromUdh(udh.elements);
    }
  }
  const text = decodeText(payload, dataCoding);

  if (isReceipt(pdu)) {
    const fields = parseReceiptText(text);
    const id = (typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id) || fields.id;
    if (!id) throw new UnreadableDeliverError(`delivery receipt without a message id: ${JSON.stringify(text.slice(0, 200))}`);
    const state = typeof pdu.message_state === 'number' ? MESSAGE_STATES[pdu.message_state] : undefined;
    const stat = state ?? fields.stat ?? 'UNKNOWN';
    const err = fields.err ?? networkError(pdu.network_error_code);
    const status = receiptStatus(stat);
    const receipt: DeliveryReceipt = { providerMessageId: id, status, at: now };
    if (status === 'failed') receipt.error = err ? `${stat} err:${err}` : stat;
    return { kind: 'receipt', receipt, stat, ...(err ? { err } : {}) };
  }

  if (!part && typeof pdu.sar_msg_ref_num === 'number' && typeof pdu.sar_total_segments === 'number' && typeof pdu.sar_segment_seqnum === 'number') {
    part = { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum };
  }
  const from = addressOf(pdu.source_addr, pdu.source_addr_ton);
  const to = addressOf(pdu.destination_addr, pdu.dest_addr_ton);
  const sms: InboundSms = {
    providerMessageId: inboundId(from, to, dataCoding, esmClass, octets, part),
    idFromContent: true,
    from,
    to,
    text,
    receivedAt: now,
  };
  if (part) sms.part = part;
  return { kind: 'inbound', sms };
}

/** network_error_code TLV (type octet, 16-bit code) as "type/code", e.g. "3/27" (GSM). */
function networkError(value: unknown): string | undefined {
  if (!Buffer.isBuffer(value) || value.length < 3) return undefined;
  return `${value[0]}/${value.readUInt16BE(1)}`;
}

/**
 * SMPP gives a mobile-originated message no id of its own, so the id is a digest of what was
 * received: an SMSC's redelivery of the same deliver_sm (after a lost or failed deliver_sm_resp)
 * gets the same id. So does the same text sent twice from the same number: dedupe by it only
 * within a short window.
 */
function inboundId(from: string, to: string, dataCoding: number, esmClass: number, octets: Buffer, part: InboundSms['part']): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([from, to, dataCoding, esmClass & UDHI, part ?? null]));
  hash.update(octets);
  return `mo-${hash.digest('hex').slice(0, 32)}`;
}
