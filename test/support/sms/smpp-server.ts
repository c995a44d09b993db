/**
 * An SMSC for tests: the `smpp` package's server on 127.0.0.1 (a free port), speaking SMPP 3.4
 * to ESMEs such as the SMPP provider, recording what they submit and playing the network side:
 *
 *   const smsc = await startSmppServer({ systemId: 'acme', password: 'secret' });
 *   const provider = new SmppProvider({ channelId, sender: '+4915100000001', credentials: smsc.credentials() });
 *   await provider.start(handlers);
 *   ... provider.send(...) ...
 *   const sms = await smsc.waitForMessage((m) => m.to === '4917600000002');  // all segments, joined
 *   expect(sms.segments[0].dataCoding).toBe(0x00);
 *   await smsc.deliverReceipt(sms.messageIds[0], 'DELIVRD');   // resolves with the deliver_sm_resp status
 *   await smsc.sendInbound('+4917600000002', '+4915100000001', 'Hello');
 *   await smsc.sendConcatenated(from, to, longText, { order: 'reverse' }); // UDH parts, out of order
 *   smsc.throttleNext(2);                 // next 2 submit_sm: ESME_RTHROTTLED (0x58)
 *   smsc.failNextSubmit(0x0b);            // next submit_sm: ESME_RINVDSTADR
 *   smsc.dropOnNextSubmit();              // next submit_sm: connection cut, no response
 *   smsc.dropConnections();               // every session cut now
 *   smsc.refuseBinds(0x0d);               // binds answered ESME_RBINDFAIL until refuseBinds(false)
 *   await smsc.close();
 *
 * Like an SMSC:
 * - bind_transceiver / bind_transmitter / bind_receiver with the configured system_id and
 *   password (wrong system_id: ESME_RINVSYSID, wrong password: ESME_RINVPASWD; the connection is
 *   then closed). Anything but enquire_link / unbind / generic_nack before a bind:
 *   ESME_RINVBNDSTS. enquire_link and unbind are answered; an unknown command gets generic_nack.
 * - Every submit_sm is recorded (SubmittedSegment): addresses, data_coding, esm_class, UDH,
 *   concatenation IE, and the text decoded by the `smpp` package's own codecs (data_coding 0x00
 *   as GSM 03.38 unpacked, 0x08 as UCS-2), independent of the code under test. Accepted ones get
 *   a message id (hex); segments with the same source, destination and UDH reference are joined
 *   into a SubmittedMessage once all have arrived (a single segment is a message on its own).
 * - Delivery receipts are deliver_sm with esm_class 0x04, the SMPP 3.4 Appendix B text
 *   ("id:… sub:001 dlvrd:001 submit date:… done date:… stat:DELIVRD err:000 text:…") and the
 *   receipted_message_id and message_state TLVs; on demand (deliverReceipt) or for every accepted
 *   segment (autoReceipt). They go to the session that submitted the message if it is still bound,
 *   else to the most recently bound receiving session.
 * - Inbound messages (sendInbound / sendConcatenated) go to the most recently bound receiving
 *   session; each call resolves with the deliver_sm_resp command_status(es) once the ESME
 *   answered, so a test sees whether (and when) the ESME acknowledged.
 */
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';

export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'REJECTD' | 'EXPIRED' | 'DELETED' | 'ENROUTE' | 'ACCEPTD' | 'UNKNOWN';

export const ESME_ROK = 0x00;
export const ESME_RINVBNDSTS = 0x04;
export const ESME_RSYSERR = 0x08;
export const ESME_RINVSRCADR = 0x0a;
export const ESME_RINVDSTADR = 0x0b;
export const ESME_RBINDFAIL = 0x0d;
export const ESME_RINVPASWD = 0x0e;
export const ESME_RINVSYSID = 0x0f;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RTHROTTLED = 0x58;
export const ESME_RX_T_APPN = 0x64;
export const ESME_RX_P_APPN = 0x65;

const MESSAGE_STATE: Record<ReceiptStat, number> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

export interface SmscOptions {
  /** Default 'switchboard'. */
  systemId?: string;
  /** Default 'secret'. */
  password?: string;
  /** Send this receipt for every accepted segment automatically (after receiptDelayMs). Default: none. */
  autoReceipt?: ReceiptStat | false;
  receiptDelayMs?: number;
  /** Give up waiting for a deliver_sm_resp after this long (the send rejects). Default 5 000. */
  responseTimeoutMs?: number;
}

export interface BindAttempt {
  sessionId: number;
  command: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  /** The command_status answered. */
  status: number;
  at: Date;
}

export interface SubmittedSegment {
  sessionId: number;
  /** Empty when the submit was refused (status ≠ 0). */
  messageId: string;
  /** The command_status answered (0: accepted; -1: the connection was cut instead, dropOnNextSubmit). Recorded on arrival, so also for answers still delayed. */
  status: number;
  from: string;
  sourceTon: number;
  sourceNpi: number;
  to: string;
  destTon: number;
  destNpi: number;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** The whole user data header (length octet first), or null. */
  udh: Buffer | null;
  /** The 8- or 16-bit concatenation IE from the UDH, or the sar_* TLVs. */
  concat: { ref: number; total: number; seq: number } | null;
  /** This segment's text, decoded by the smpp package (a Buffer's latin1 view for codings it does not know). */
  text: string;
  receivedAt: Date;
}

export interface SubmittedMessage {
  from: string;
  to: string;
  /** The segments' texts joined in seq order. */
  text: string;
  dataCoding: number;
  /** In seq order. */
  segments: SubmittedSegment[];
  messageIds: string[];
}

export interface InboundOptions {
  /** 0x00 (GSM-7 unpacked, default when the text fits), 0x01 (IA5/ASCII), 0x03 (Latin-1), 0x08 (UCS-2, default otherwise). */
  dataCoding?: number;
  /** Carry the text in the message_payload TLV instead of short_message. */
  messagePayload?: boolean;
  /** TON of the source address; default 1 (international) for digits, 5 for alphanumeric. */
  sourceTon?: number;
}

export interface ConcatenatedOptions extends InboundOptions {
  /** Concatenation reference; default random. */
  ref?: number;
  /** 8 (UDH IE 0x00, default) or 16 (UDH IE 0x08) bit reference; 'sar' sends sar_* TLVs instead of a UDH. */
  refBits?: 8 | 16 | 'sar';
  /** Characters (code points) per part; default 100 for GSM-7, 30 for UCS-2. */
  partChars?: number;
  /** The order the parts go out in, as 1-based seq numbers, or 'reverse'. Default in order. */
  order?: number[] | 'reverse';
}

export interface RunningSmsc {
  host: '127.0.0.1';
  port: number;
  /** ProviderSettings.credentials for this SMSC. */
  credentials(): Record<string, string>;
  /** Every submit_sm so far, oldest first. */
  readonly submits: SubmittedSegment[];
  /** Complete messages (all segments accepted), in order of completion. */
  readonly messages: SubmittedMessage[];
  readonly binds: BindAttempt[];
  /** enquire_link PDUs received from ESMEs. */
  readonly enquireLinks: number;
  /** unbind PDUs received from ESMEs. */
  readonly unbinds: number;
  /** Sessions open now (bound or not). */
  readonly openSessions: number;
  /** The most submit_sm that were awaiting their response at once (on one session). */
  readonly maxInFlight: number;
  waitForSubmit(predicate?: (s: SubmittedSegment) => boolean, timeoutMs?: number): Promise<SubmittedSegment>;
  waitForMessage(predicate?: (m: SubmittedMessage) => boolean, timeoutMs?: number): Promise<SubmittedMessage>;
  /** Resolves with the `count`-th successful bind since the start (or clear()); default: the next one. */
  waitForBind(count?: number, timeoutMs?: number): Promise<BindAttempt>;
  /** Sends a delivery receipt for `messageId`; resolves with the deliver_sm_resp status. */
  deliverReceipt(messageId: string, stat: ReceiptStat, options?: { err?: string; tlv?: boolean }): Promise<number>;
  /** Sends an inbound SMS (one deliver_sm); resolves with the deliver_sm_resp status. */
  sendInbound(from: string, to: string, text: string, options?: InboundOptions): Promise<number>;
  /** Sends `text` as a concatenated SMS (one deliver_sm per part, each awaited); resolves with the statuses in sending order. */
  sendConcatenated(from: string, to: string, text: string, options?: ConcatenatedOptions): Promise<number[]>;
  /** Sends enquire_link to the latest bound session; resolves with the response's status. */
  sendEnquireLink(): Promise<number>;
  /** Sends unbind to every bound session (as an SMSC going down for maintenance). */
  unbindAll(): void;
  /** The next `count` submit_sm are answered with `status`. */
  failNextSubmit(status: number, count?: number): void;
  /** The next `count` submit_sm are answered ESME_RTHROTTLED. */
  throttleNext(count?: number): void;
  /** The next submit_sm cuts its connection instead of being answered. */
  dropOnNextSubmit(): void;
  /** Answer submit_sm only after `ms` (Infinity: never); 0 restores immediate answers. */
  delaySubmits(ms: number): void;
  /** Stop answering enquire_link (a half-dead link); false answers again. */
  ignoreEnquireLinks(ignore?: boolean): void;
  /** Cut every connection now. */
  dropConnections(): void;
  /** Answer binds with `status` (default ESME_RBINDFAIL) until refuseBinds(false). */
  refuseBinds(status?: number | false): void;
  /** Forget recorded submits, messages, binds and counters. */
  clear(): void;
  close(): Promise<void>;
}

interface SessionInfo {
  id: number;
  session: smpp.Session;
  bound: false | 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';
  boundAt: number;
  inFlight: number;
}

type Waiter<T> = { predicate: (item: T) => boolean; resolve: (item: T) => void };

function waitIn<T>(items: T[], waiters: Array<Waiter<T>>, predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const found = items.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter<T> = {
      predicate,
      resolve: (item) => {
        clearTimeout(timer);
        resolve(item);
      },
    };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(waiter), 1);
      reject(new Error(`SMSC: no ${what} within ${timeoutMs} ms (have ${items.length})`));
    }, timeoutMs);
    waiters.push(waiter);
  });
}

function notify<T>(waiters: Array<Waiter<T>>, item: T): void {
  for (const w of [...waiters]) {
    if (w.predicate(item)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(item);
    }
  }
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** YYMMDDhhmm (UTC), as receipts carry dates. */
function receiptDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

/** The smpp package's decoded short_message ({ udh?, message } or Buffer) as UDH buffer + text. */
function readMessage(value: unknown): { udh: Buffer | null; elements: Buffer[]; text: string } {
  if (Buffer.isBuffer(value)) return { udh: null, elements: [], text: value.toString('latin1') };
  if (!value || typeof value !== 'object') return { udh: null, elements: [], text: '' };
  const { udh, message } = value as { udh?: Buffer[]; message?: unknown };
  const elements = udh ?? [];
  const header = elements.length ? Buffer.concat([Buffer.from([Buffer.concat(elements).length]), ...elements]) : null;
  const text = typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('latin1') : '';
  return { udh: header, elements, text };
}

function concatOf(elements: Buffer[], pdu: smpp.PDU): SubmittedSegment['concat'] {
  for (const ie of elements) {
    if (ie[0] === 0x00 && ie[1] === 3) return { ref: ie[2], total: ie[3], seq: ie[4] };
    if (ie[0] === 0x08 && ie[1] === 4) return { ref: ie.readUInt16BE(2), total: ie[4], seq: ie[5] };
  }
  if (typeof pdu.sar_msg_ref_num === 'number' && typeof pdu.sar_total_segments === 'number' && typeof pdu.sar_segment_seqnum === 'number') {
    return { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum };
  }
  return null;
}

/** Octets for `text` in `dataCoding`, encoded with the smpp package's codecs (or Node's). */
function encodeFor(text: string, dataCoding: number): Buffer {
  switch (dataCoding) {
    case 0x00:
      return smpp.encodings.ASCII!.encode(text); // the package's "ASCII" is GSM 03.38
    case 0x01:
      return Buffer.from(text, 'ascii');
    case 0x03:
      return Buffer.from(text, 'latin1');
    case 0x08:
      return smpp.encodings.UCS2!.encode(text);
    default:
      throw new Error(`SMSC: no encoder for data_coding ${dataCoding}`);
  }
}

function defaultCoding(text: string): number {
  return smpp.encodings.ASCII!.match(text) ? 0x00 : 0x08;
}

function addressFields(addr: string, ton?: number): { addr: string; ton: number; npi: number } {
  if (/^\+?\d+$/.test(addr)) return { addr: addr.replace(/^\+/, ''), ton: ton ?? 1, npi: 1 };
  return { addr, ton: ton ?? 5, npi: 0 };
}

export async function startSmppServer(options: SmscOptions = {}): Promise<RunningSmsc> {
  const systemId = options.systemId ?? 'switchboard';
  const password = options.password ?? 'secret';
  const responseTimeoutMs = options.responseTimeoutMs ?? 5_000;
  let autoReceipt = options.autoReceipt ?? false;
  const receiptDelayMs = options.receiptDelayMs ?? 0;

  const sessions = new Set<SessionInfo>();
  const submits: SubmittedSegment[] = [];
  const messages: SubmittedMessage[] = [];
  const binds: BindAttempt[] = [];
  /** Successful binds, for waitForBind(count). */
  const okBinds: BindAttempt[] = [];
  const submitWaiters: Array<Waiter<SubmittedSegment>> = [];
  const messageWaiters: Array<Waiter<SubmittedMessage>> = [];
  const bindWaiters: Array<Waiter<BindAttempt>> = [];
  /** Accepted segments of incomplete concatenated messages, by from|to|ref. */
  const partial = new Map<string, SubmittedSegment[]>();
  /** Which session submitted a message id (receipts go back there). */
  const submittedOn = new Map<string, SessionInfo>();
  const timers = new Set<NodeJS.Timeout>();
  let enquireLinks = 0;
  let unbinds = 0;
  let maxInFlight = 0;
  let nextSessionId = 1;
  let nextMessageId = 0x5a000000 + Math.floor(Math.random() * 0xffffff);
  const submitFaults: number[] = [];
  let dropNext = false;
  let submitDelay = 0;
  let ignoreEnquire = false;
  let refuseStatus: number | false = false;

  const later = (ms: number, fn: () => void): void => {
    if (ms === Infinity) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const receivers = (): SessionInfo[] =>
    [...sessions].filter((s) => s.bound === 'bind_transceiver' || s.bound === 'bind_receiver').sort((a, b) => b.boundAt - a.boundAt);

  /** Sends a request PDU to `info` and resolves with the response's status. */
  const request = (info: SessionInfo, pdu: smpp.PDU): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`SMSC: no ${pdu.command}_resp within ${responseTimeoutMs} ms`)), responseTimeoutMs);
      const onClose = () => {
        clearTimeout(timer);
        reject(new Error(`SMSC: session closed before the ${pdu.command}_resp`));
      };
      info.session.socket.once('close', onClose);
      const sent = info.session.send(pdu, (resp) => {
        clearTimeout(timer);
        info.session.socket.off('close', onClose);
        resolve(resp.command_status);
      });
      if (!sent) {
        clearTimeout(timer);
        info.session.socket.off('close', onClose);
        reject(new Error('SMSC: session not writable'));
      }
    });

  const latestReceiver = (): SessionInfo => {
    const info = receivers()[0];
    if (!info) throw new Error('SMSC: no bound transceiver/receiver session');
    return info;
  };

  const record = (segment: SubmittedSegment): void => {
    submits.push(segment);
    notify(submitWaiters, segment);
  };

  /** An accepted segment was answered: join it into its message. */
  const accepted = (segment: SubmittedSegment): void => {
    let complete: SubmittedSegment[] | undefined;
    if (!segment.concat) complete = [segment];
    else {
      const key = `${segment.from}|${segment.to}|${segment.concat.ref}|${segment.concat.total}`;
      const parts = (partial.get(key) ?? []).filter((p) => p.concat!.seq !== segment.concat!.seq);
      parts.push(segment);
      if (parts.length === segment.concat.total) {
        partial.delete(key);
        complete = parts.sort((a, b) => a.concat!.seq - b.concat!.seq);
      } else partial.set(key, parts);
    }
    if (!complete) return;
    const message: SubmittedMessage = {
      from: segment.from,
      to: segment.to,
      text: complete.map((s) => s.text).join(''),
      dataCoding: segment.dataCoding,
      segments: complete,
      messageIds: complete.map((s) => s.messageId),
    };
    messages.push(message);
    notify(messageWaiters, message);
  };

  const sendReceipt = async (messageId: string, stat: ReceiptStat, opts: { err?: string; tlv?: boolean } = {}): Promise<number> => {
    const submitted = submits.find((s) => s.messageId === messageId);
    const origin = submittedOn.get(messageId);
    const info = origin && sessions.has(origin) && origin.bound && origin.bound !== 'bind_transmitter' ? origin : latestReceiver();
    const now = new Date();
    const err = opts.err ?? (stat === 'DELIVRD' ? '000' : '001');
    const text =
      `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${receiptDate(submitted?.receivedAt ?? now)} ` +
      `done date:${receiptDate(now)} stat:${stat} err:${err} text:${(submitted?.text ?? '').slice(0, 20)}`;
    const fields: Record<string, unknown> = {
      source_addr_ton: submitted?.destTon ?? 1,
      source_addr_npi: submitted?.destNpi ?? 1,
      source_addr: submitted?.to ?? '',
      dest_addr_ton: submitted?.sourceTon ?? 1,
      dest_addr_npi: submitted?.sourceNpi ?? 1,
      destination_addr: submitted?.from ?? '',
      esm_class: 0x04,
      data_coding: 0x00,
      short_message: smpp.encodings.ASCII!.encode(text),
    };
    if (opts.tlv !== false) {
      fields.receipted_message_id = messageId;
      fields.message_state = MESSAGE_STATE[stat];
    }
    return request(info, new smpp.PDU('deliver_sm', fields));
  };

  const inboundPdu = (from: string, to: string, payload: Buffer, dataCoding: number, opts: InboundOptions, extra: Record<string, unknown> = {}): smpp.PDU => {
    const source = addressFields(from, opts.sourceTon);
    const dest = addressFields(to);
    const fields: Record<string, unknown> = {
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: dest.ton,
      dest_addr_npi: dest.npi,
      destination_addr: dest.addr,
      esm_class: 0x00,
      data_coding: dataCoding,
      ...extra,
    };
    if (opts.messagePayload) {
      fields.short_message = Buffer.alloc(0);
      fields.message_payload = payload;
    } else fields.short_message = payload;
    return new smpp.PDU('deliver_sm', fields);
  };

  const onSubmit = (info: SessionInfo, pdu: smpp.PDU): void => {
    const { udh, elements, text } = readMessage(pdu.message_payload !== undefined ? pdu.message_payload : pdu.short_message);
    let status = ESME_ROK;
    const fault = submitFaults.shift();
    if (fault !== undefined) status = fault;
    const segment: SubmittedSegment = {
      sessionId: info.id,
      messageId: '',
      status,
      from: str(pdu.source_addr),
      sourceTon: Number(pdu.source_addr_ton ?? 0),
      sourceNpi: Number(pdu.source_addr_npi ?? 0),
      to: str(pdu.destination_addr),
      destTon: Number(pdu.dest_addr_ton ?? 0),
      destNpi: Number(pdu.dest_addr_npi ?? 0),
      dataCoding: Number(pdu.data_coding ?? 0),
      esmClass: Number(pdu.esm_class ?? 0),
      registeredDelivery: Number(pdu.registered_delivery ?? 0),
      udh,
      concat: concatOf(elements, pdu),
      text,
      receivedAt: new Date(),
    };
    if (dropNext) {
      dropNext = false;
      segment.status = -1;
      record(segment);
      info.session.destroy();
      return;
    }
    if (status === ESME_ROK) {
      segment.messageId = (nextMessageId++).toString(16);
      submittedOn.set(segment.messageId, info);
    }
    record(segment);
    info.inFlight++;
    maxInFlight = Math.max(maxInFlight, info.inFlight);
    const answer = () => {
      info.inFlight--;
      if (!sessions.has(info)) return;
      info.session.send(status === ESME_ROK ? pdu.response({ message_id: segment.messageId }) : pdu.response({ command_status: status }));
      if (status !== ESME_ROK) return;
      accepted(segment);
      if (autoReceipt) {
        const stat = autoReceipt;
        later(receiptDelayMs, () => void sendReceipt(segment.messageId, stat).catch(() => undefined));
      }
    };
    if (submitDelay > 0) later(submitDelay, answer);
    else answer();
  };

  const onSession = (session: smpp.Session): void => {
    const info: SessionInfo = { id: nextSessionId++, session, bound: false, boundAt: 0, inFlight: 0 };
    sessions.add(info);
    session.socket.setNoDelay(true);
    session.on('error', () => undefined); // resets from the ESME side are part of the game
    session.socket.on('close', () => sessions.delete(info));
    session.on('pdu', (pdu: smpp.PDU) => {
      if (pdu.isResponse()) return;
      switch (pdu.command) {
        case 'bind_transceiver':
        case 'bind_transmitter':
        case 'bind_receiver': {
          const command = pdu.command;
          let status: number = ESME_ROK;
          if (info.bound) status = 0x05; // ESME_RALYBND
          else if (refuseStatus !== false) status = refuseStatus;
          else if (pdu.system_id !== systemId) status = ESME_RINVSYSID;
          else if (pdu.password !== password) status = ESME_RINVPASWD;
          const attempt: BindAttempt = {
            sessionId: info.id,
            command,
            systemId: str(pdu.system_id),
            password: str(pdu.password),
            systemType: str(pdu.system_type),
            interfaceVersion: Number(pdu.interface_version ?? 0),
            status,
            at: new Date(),
          };
          binds.push(attempt);
          if (status === ESME_ROK) {
            info.bound = command;
            info.boundAt = performance.now();
            session.send(pdu.response({ system_id: 'TESTSMSC' }));
            okBinds.push(attempt);
            notify(bindWaiters, attempt);
          } else {
            session.send(pdu.response({ command_status: status }), () => session.close());
          }
          return;
        }
        case 'enquire_link':
          enquireLinks++;
          if (!ignoreEnquire) session.send(pdu.response());
          return;
        case 'unbind':
          unbinds++;
          info.bound = false;
          session.send(pdu.response(), () => session.close());
          return;
        case 'submit_sm':
          if (!info.bound || info.bound === 'bind_receiver') {
            session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
            return;
          }
          onSubmit(info, pdu);
          return;
        case 'unknown':
          session.send(pdu.response());
          return;
        default:
          session.send(pdu.response({ command_status: info.bound ? 0x03 : ESME_RINVBNDSTS }));
      }
    });
  };

  const server = smpp.createServer(onSession);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    credentials: () => ({ host: '127.0.0.1', port: String(port), systemId, password }),
    submits,
    messages,
    binds,
    get enquireLinks() {
      return enquireLinks;
    },
    get unbinds() {
      return unbinds;
    },
    get openSessions() {
      return sessions.size;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    waitForSubmit: (predicate = () => true, timeoutMs = 5_000) => waitIn(submits, submitWaiters, predicate, timeoutMs, 'matching submit_sm'),
    waitForMessage: (predicate = () => true, timeoutMs = 5_000) => waitIn(messages, messageWaiters, predicate, timeoutMs, 'matching message'),
    waitForBind: (count = okBinds.length + 1, timeoutMs = 5_000) => {
      if (okBinds.length >= count) return Promise.resolve(okBinds[count - 1]);
      return waitIn<BindAttempt>([], bindWaiters, () => okBinds.length >= count, timeoutMs, `successful bind #${count}`);
    },
    deliverReceipt: (messageId, stat, opts) => sendReceipt(messageId, stat, opts),
    sendInbound: async (from, to, text, opts = {}) => {
      const dataCoding = opts.dataCoding ?? defaultCoding(text);
      return request(latestReceiver(), inboundPdu(from, to, encodeFor(text, dataCoding), dataCoding, opts));
    },
    sendConcatenated: async (from, to, text, opts = {}) => {
      const dataCoding = opts.dataCoding ?? defaultCoding(text);
      const chars = [...text];
      const size = opts.partChars ?? (dataCoding === 0x08 ? 30 : 100);
      const parts: string[] = [];
      for (let i = 0; i < chars.length; i += size) parts.push(chars.slice(i, i + size).join(''));
      const total = parts.length;
      const refBits = opts.refBits ?? 8;
      const ref = opts.ref ?? Math.floor(Math.random() * (refBits === 8 ? 0x100 : 0x10000));
      const order = opts.order === 'reverse' ? parts.map((_, i) => total - i) : (opts.order ?? parts.map((_, i) => i + 1));
      const statuses: number[] = [];
      for (const seq of order) {
        const body = encodeFor(parts[seq - 1], dataCoding);
        let pdu: smpp.PDU;
        if (refBits === 'sar') {
          pdu = inboundPdu(from, to, body, dataCoding, opts, { sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: seq });
        } else {
          const udh =
            refBits === 8 ? Buffer.from([0x05, 0x00, 0x03, ref, total, seq]) : Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]);
          pdu = inboundPdu(from, to, Buffer.concat([udh, body]), dataCoding, opts, { esm_class: 0x40 });
        }
        statuses.push(await request(latestReceiver(), pdu));
      }
      return statuses;
    },
    sendEnquireLink: () => request(latestReceiver(), new smpp.PDU('enquire_link')),
    unbindAll: () => {
      for (const info of sessions) if (info.bound) info.session.send(new smpp.PDU('unbind'));
    },
    failNextSubmit: (status, count = 1) => {
      for (let i = 0; i < count; i++) submitFaults.push(status);
    },
    throttleNext: (count = 1) => {
      for (let i = 0; i < count; i++) submitFaults.push(ESME_RTHROTTLED);
    },
    dropOnNextSubmit: () => {
      dropNext = true;
    },
    delaySubmits: (ms) => {
      submitDelay = ms;
    },
    ignoreEnquireLinks: (ignore = true) => {
      ignoreEnquire = ignore;
    },
    dropConnections: () => {
      for (const info of sessions) info.session.destroy();
    },
    refuseBinds: (status = ESME_RBINDFAIL) => {
      refuseStatus = status;
    },
    clear: () => {
      submits.length = 0;
      messages.length = 0;
      binds.length = 0;
      okBinds.length = 0;
      partial.clear();
      enquireLinks = 0;
      unbinds = 0;
      maxInFlight = 0;
    },
    close: async () => {
      autoReceipt = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const info of sessions) info.session.destroy();
      await closed;
    },
  };
}
