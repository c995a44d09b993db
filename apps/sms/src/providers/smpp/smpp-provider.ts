/**
 * The SMPP 3.4 provider: one bind_transceiver session to an SMSC per channel (see SPEC.md).
 *
 *   const provider = new SmppProvider(settings, { windowSize: 10 });
 *   await provider.start({ onInbound, onReceipt, onState });  // first bind attempt settled
 *   const { providerMessageIds } = await provider.send({ to, encoded: encodeText(text), reference });
 *   await provider.stop();
 *
 * - Keeps the session: enquire_link every enquireLinkIntervalMs (no answer within
 *   responseTimeoutMs: the link is dead, reconnect); answers the SMSC's enquire_link and unbind;
 *   reconnects after a close or error with capped exponential backoff (onState 'down', then 'up'
 *   on the next bind). A refused bind (wrong credentials …) is onState 'refused' and ends the
 *   retries until stop() + start().
 * - send(): one submit_sm per segment (UDH [05 00 03 ref total seq] and esm_class 0x40 when there
 *   are several), data_coding 0x00 (GSM-7 unpacked) or 0x08 (UCS-2), registered_delivery 1. At
 *   most windowSize submit_sm await their response at once, across all sends. Not bound: waits
 *   up to bindWaitMs for the bind. Failures are SmppSendError (an SmsSendError) with the
 *   command_status as code, or a LocalErrorCode; see status.ts for transient vs permanent.
 * - deliver_sm / data_sm: receipts to onReceipt, messages to onInbound (deliver.ts); the response
 *   goes out only once the handler resolved, with ESME_RX_T_APPN when it threw (the SMSC
 *   redelivers) and ESME_RX_P_APPN when the PDU cannot be read.
 */
import { createHash } from 'node:crypto';
import smpp from 'smpp';
import { MAX_SEGMENTS, SMPP_DATA_CODING, concatUdh, segmentPayload, type EncodedText } from '../../encoding/segments.js';
import type { OutgoingSms, ProviderSettings, SendResult, SessionHandlers, SmsProvider } from '../provider.js';
import { interpretDeliverSm, UnreadableDeliverError } from './deliver.js';
import { bindRefused, describeStatus, ESME, SmppSendError, statusCode, submitFailureKind, type AcceptedSegment, type LocalErrorCode } from './status.js';

/** pino-compatible (`logger.warn({ ... }, 'message')`). */
export interface SmppLogger {
  warn(details: Record<string, unknown>, message: string): void;
  debug?(details: Record<string, unknown>, message: string): void;
}

export interface SmppProviderOptions {
  /** enquire_link period while bound, ms. Default 30 000. */
  enquireLinkIntervalMs?: number;
  /** Wait for any response PDU (bind, submit_sm, enquire_link, unbind), ms. Default 10 000. */
  responseTimeoutMs?: number;
  /** TCP connect timeout, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** At most this many submit_sm awaiting their submit_sm_resp. Default 10. */
  windowSize?: number;
  /** send() while not bound waits this long for a bind, then fails transient NOT_BOUND. Default 15 000. */
  bindWaitMs?: number;
  /** First reconnect delay, ms; it doubles per failed attempt up to reconnectMaxMs (±20 % jitter). Default 1 000. */
  reconnectInitialMs?: number;
  /** Reconnect delay cap, ms. Default 60 000. */
  reconnectMaxMs?: number;
  /** deliver_sm_resp status when a handler throws. Default ESME_RX_T_APPN (0x64), which SMSCs retry. */
  handlerErrorStatus?: number;
  logger?: SmppLogger;
}

/** ProviderSettings.credentials for SMPP. */
export interface SmppCredentials {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  /** "true": TLS (ssmpp). */
  tls: boolean;
  /** Overrides of the TON/NPI derived from the sender (E.164 → 1/1, short code → 3/0, alphanumeric → 5/0) and recipient (1/1). */
  sourceTon?: number;
  sourceNpi?: number;
  destTon?: number;
  destNpi?: number;
}

export function parseSmppCredentials(credentials: Record<string, string>): SmppCredentials {
  const { host, port, systemId, password } = credentials;
  if (!host || !systemId || password === undefined) throw new Error('SMPP credentials need host, systemId and password');
  const num = (key: string): number | undefined => {
    const value = credentials[key];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new Error(`SMPP credential ${key} must be 0–255, got ${value}`);
    return n;
  };
  const portNumber = port ? Number(port) : 2775;
  if (!Number.isInteger(portNumber) || portNumber <= 0 || portNumber > 65535) throw new Error(`SMPP port must be 1–65535, got ${port}`);
  return {
    host,
    port: portNumber,
    systemId,
    password,
    systemType: credentials.systemType ?? '',
    tls: credentials.tls === 'true',
    sourceTon: num('sourceTon'),
    sourceNpi: num('sourceNpi'),
    destTon: num('destTon'),
    destNpi: num('destNpi'),
  };
}

/** TON/NPI and digits for the sender: E.164 → international, up to 8 digits → short code, else alphanumeric. */
export function sourceAddress(sender: string, creds: Pick<SmppCredentials, 'sourceTon' | 'sourceNpi'>): { addr: string; ton: number; npi: number } {
  const compact = sender.replace(/[\s()-]/g, '');
  let result: { addr: string; ton: number; npi: number };
  if (/^\+\d+$/.test(compact)) result = { addr: compact.slice(1), ton: 1, npi: 1 };
  else if (/^\d{1,8}$/.test(compact)) result = { addr: compact, ton: 3, npi: 0 };
  else if (/^\d+$/.test(compact)) result = { addr: compact, ton: 1, npi: 1 };
  else result = { addr: sender, ton: 5, npi: 0 };
  return { addr: result.addr, ton: creds.sourceTon ?? result.ton, npi: creds.sourceNpi ?? result.npi };
}

/** The UDH reference a message's segments share: the given one, else derived from core's message id (stable across retries). */
export function concatRefFor(encoded: EncodedText, reference: string): number {
  if (encoded.concatRef !== undefined) return encoded.concatRef;
  return createHash('sha256').update(reference).digest()[0];
}

type SessionState = 'idle' | 'connecting' | 'binding' | 'bound' | 'waiting' | 'refused';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** Counts submit_sm in flight; acquire() waits for a free slot. */
class Window {
  private used = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly size: number) {}
  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.used--;
  }
}

export class SmppProvider implements SmsProvider {
  readonly kind = 'smpp' as const;
  readonly pacesSegments = true;

  private readonly creds: SmppCredentials;
  private readonly opts: Required<Omit<SmppProviderOptions, 'logger'>>;
  private readonly logger: SmppLogger | undefined;
  private readonly window: Window;

  private handlers: SessionHandlers | undefined;
  private running = false;
  private state: SessionState = 'idle';
  private session: smpp.Session | undefined;
  /** Why the current session ended (for onState 'down'). */
  private closeReason: string | undefined;
  private refusal: string | undefined;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private enquireTimer: NodeJS.Timeout | undefined;
  private enquirePending = false;
  private bindWaiters: Waiter[] = [];
  private firstOutcome: (() => void) | undefined;
  /** Requests awaiting a response on the current session; rejected when it closes. */
  private readonly pending = new Set<(err: SmppSendError) => void>();

  constructor(
    private readonly settings: ProviderSettings,
    options: SmppProviderOptions = {},
  ) {
    this.creds = parseSmppCredentials(settings.credentials);
    this.opts = {
      enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? 30_000,
      responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      windowSize: options.windowSize ?? 10,
      bindWaitMs: options.bindWaitMs ?? 15_000,
      reconnectInitialMs: options.reconnectInitialMs ?? 1_000,
      reconnectMaxMs: options.reconnectMaxMs ?? 60_000,
      handlerErrorStatus: options.handlerErrorStatus ?? ESME.RX_T_APPN,
    };
    if (!(this.opts.windowSize >= 1)) throw new Error('windowSize must be at least 1');
    this.logger = options.logger;
    this.window = new Window(this.opts.windowSize);
  }

  /** Whether the session is bound right now. */
  get bound(): boolean {
    return this.state === 'bound';
  }

  /** Connects and binds; resolves once the first attempt settled (bound, refused or failed: retries go on in the background). */
  async start(handlers: SessionHandlers): Promise<void> {
    if (this.running) throw new Error('SMPP provider already started');
    this.handlers = handlers;
    this.running = true;
    this.refusal = undefined;
    this.attempt = 0;
    const settled = new Promise<void>((resolve) => (this.firstOutcome = resolve));
    this.connect();
    await settled;
  }

  /** Unbinds (waiting briefly for unbind_resp) and closes; sends waiting for a bind fail with STOPPED. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.rejectBindWaiters(() => this.localError('transient', 'STOPPED', 'SMPP provider stopped'));
    this.settleFirstOutcome();
    const session = this.session;
    if (!session) {
      this.state = 'idle';
      return;
    }
    if (this.state === 'bound') {
      try {
        await this.request(session, new smpp.PDU('unbind'), Math.min(this.opts.responseTimeoutMs, 2_000));
      } catch {
        // Closing anyway.
      }
      await this.closeSession(session, 'stopped');
    } else {
      this.closeReason ??= 'stopped';
      await new Promise<void>((resolve) => session.destroy(resolve));
    }
    this.state = 'idle';
  }

  async send(sms: OutgoingSms): Promise<SendResult> {
    const { encoded } = sms;
    const total = encoded.segments.length;
    if (total === 0) throw this.localError('permanent', 'EMPTY_MESSAGE', 'nothing to send: the text is empty');
    if (total > MAX_SEGMENTS) throw this.localError('permanent', 'TOO_MANY_SEGMENTS', `${total} segments, at most ${MAX_SEGMENTS}`);
    let payloads: Buffer[];
    try {
      payloads = encoded.segments.map((_, i) => segmentPayload(encoded, i));
    } catch (err) {
      throw new SmppSendError('permanent', 'BAD_ENCODING', `the segments do not fit their encoding: ${(err as Error).message}`, [], { cause: err });
    }
    const deadline = Date.now() + this.opts.bindWaitMs;
    const ref = concatRefFor(encoded, sms.reference);
    const source = sourceAddress(this.settings.sender, this.creds);
    const destination = sms.to.replace(/[\s()-]/g, '').replace(/^\+/, '');

    const submits: Array<Promise<string>> = [];
    let failed = false;
    for (let i = 0; i < total && !failed; i++) {
      const udh = total > 1 ? concatUdh(ref, total, i + 1) : undefined;
      const pdu = new smpp.PDU('submit_sm', {
        source_addr_ton: source.ton,
        source_addr_npi: source.npi,
        source_addr: source.addr,
        dest_addr_ton: this.creds.destTon ?? 1,
        dest_addr_npi: this.creds.destNpi ?? 1,
        destination_addr: destination,
        esm_class: udh ? 0x40 : 0x00,
        registered_delivery: 1,
        data_coding: SMPP_DATA_CODING[encoded.encoding],
        short_message: udh ? Buffer.concat([udh, payloads[i]]) : payloads[i],
      });
      let session: smpp.Session;
      try {
        await sms.beforeSegment?.();
        session = await this.whenBound(deadline);
        await this.window.acquire();
      } catch (err) {
        submits.push(Promise.reject(err instanceof Error ? err : new Error(String(err))));
        break;
      }
      const submit = this.submit(session, pdu).finally(() => this.window.release());
      submit.catch(() => (failed = true));
      submits.push(submit);
    }

    const results = await Promise.allSettled(submits);
    const accepted: AcceptedSegment[] = [];
    let failure: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') accepted.push({ seq: i + 1, messageId: r.value });
      else failure ??= r.reason;
    });
    if (failure === undefined && accepted.length === total) return { providerMessageIds: accepted.map((a) => a.messageId) };
    const err = failure instanceof SmppSendError ? failure : this.localError('transient', 'CONNECTION_LOST', String(failure));
    const partial = accepted.length > 0 ? ` (segments ${accepted.map((a) => a.seq).join(', ')} of ${total} were accepted)` : '';
    throw new SmppSendError(err.kind, err.code, `${err.message}${partial}`, accepted, { cause: err });
  }

  // ---- session ----

  private connect(): void {
    if (!this.running) return;
    this.state = 'connecting';
    this.closeReason = undefined;
    const { host, port, tls } = this.creds;
    const session = smpp.connect({ host, port, tls });
    this.session = session;
    this.connectTimer = setTimeout(() => {
      this.closeReason = `no connection to ${host}:${port} within ${this.opts.connectTimeoutMs} ms`;
      session.destroy();
    }, this.opts.connectTimeoutMs);
    session.on(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(this.connectTimer);
      // PDUs are small and answered one by one: Nagle + delayed ACK would add ~40 ms to each.
      session.socket.setNoDelay(true);
      void this.bind(session);
    });
    session.on('error', (err: Error) => {
      this.closeReason ??= err.message;
    });
    session.on('close', () => this.onClosed(session));
    session.on('pdu', (pdu: smpp.PDU) => {
      if (!pdu.isResponse()) this.onRequest(session, pdu);
    });
  }

  private async bind(session: smpp.Session): Promise<void> {
    if (session !== this.session) return;
    this.state = 'binding';
    const { systemId, password, systemType } = this.creds;
    let resp: smpp.PDU;
    try {
      resp = await this.request(session, new smpp.PDU('bind_transceiver', { system_id: systemId, password, system_type: systemType, interface_version: 0x34 }), this.opts.responseTimeoutMs);
    } catch (err) {
      if (session !== this.session) return;
      this.closeReason = `bind_transceiver: ${(err as Error).message}`;
      session.destroy();
      return;
    }
    if (session !== this.session || !this.running) return;
    if (resp.command_status === ESME.ROK) {
      this.state = 'bound';
      this.attempt = 0;
      this.startEnquireLink(session);
      const waiters = this.bindWaiters;
      this.bindWaiters = [];
      for (const w of waiters) w.resolve();
      this.handlers?.onState('up', `bound to ${this.creds.host}:${this.creds.port} as ${systemId}`);
      this.settleFirstOutcome();
      return;
    }
    const reason = `bind_transceiver refused: ${describeStatus(resp.command_status)}`;
    if (bindRefused(resp.command_status)) {
      this.state = 'refused';
      this.refusal = reason;
      this.rejectBindWaiters(() => this.localError('transient', 'BIND_REFUSED', reason));
      this.handlers?.onState('refused', reason);
      this.settleFirstOutcome();
    } else {
      this.closeReason = reason;
    }
    session.destroy();
  }

  private onClosed(session: smpp.Session): void {
    if (session !== this.session) return;
    clearTimeout(this.connectTimer);
    clearInterval(this.enquireTimer);
    this.enquireTimer = undefined;
    this.enquirePending = false;
    this.session = undefined;
    const reason = this.closeReason ?? 'connection closed by the SMSC';
    for (const reject of [...this.pending]) reject(this.localError('transient', 'CONNECTION_LOST', `SMPP connection lost: ${reason}`));
    this.pending.clear();
    if (!this.running) {
      this.handlers?.onState('down', 'stopped');
      return;
    }
    if (this.state === 'refused') return;
    this.state = 'waiting';
    const delay = this.backoff();
    this.handlers?.onState('down', `${reason}; reconnecting in ${delay} ms`);
    this.settleFirstOutcome();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private backoff(): number {
    const base = Math.min(this.opts.reconnectMaxMs, this.opts.reconnectInitialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private startEnquireLink(session: smpp.Session): void {
    clearInterval(this.enquireTimer);
    this.enquireTimer = setInterval(() => {
      if (this.enquirePending || session !== this.session) return;
      this.enquirePending = true;
      this.request(session, new smpp.PDU('enquire_link'), this.opts.responseTimeoutMs).then(
        () => (this.enquirePending = false),
        (err: Error) => {
          this.enquirePending = false;
          if (session !== this.session) return;
          this.closeReason = `enquire_link: ${err.message}`;
          session.destroy();
        },
      );
    }, this.opts.enquireLinkIntervalMs);
  }

  private closeSession(session: smpp.Session, reason: string): Promise<void> {
    this.closeReason ??= reason;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => session.destroy(), 2_000);
      session.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (session.socket.destroyed) {
        clearTimeout(timer);
        resolve();
        return;
      }
      session.close();
    });
  }

  private settleFirstOutcome(): void {
    const settle = this.firstOutcome;
    this.firstOutcome = undefined;
    settle?.();
  }

  private rejectBindWaiters(error: () => Error): void {
    const waiters = this.bindWaiters;
    this.bindWaiters = [];
    for (const w of waiters) w.reject(error());
  }

  /** The bound session, waiting for it until `deadline`. */
  private async whenBound(deadline: number): Promise<smpp.Session> {
    for (;;) {
      if (!this.running) throw this.localError('transient', 'STOPPED', 'SMPP provider is not started');
      if (this.state === 'refused') throw this.localError('transient', 'BIND_REFUSED', this.refusal ?? 'bind refused');
      if (this.state === 'bound' && this.session) return this.session;
      const wait = deadline - Date.now();
      if (wait <= 0) throw this.localError('transient', 'NOT_BOUND', `not bound to the SMSC within ${this.opts.bindWaitMs} ms`);
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        const timer = setTimeout(() => {
          this.bindWaiters = this.bindWaiters.filter((w) => w !== waiter);
          resolve();
        }, wait);
        this.bindWaiters.push(waiter);
      });
    }
  }

  /** Sends a request PDU and resolves with its response (any status); rejects on timeout or a lost connection. */
  private request(session: smpp.Session, pdu: smpp.PDU, timeoutMs: number): Promise<smpp.PDU> {
    return new Promise<smpp.PDU>((resolve, reject) => {
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        this.pending.delete(onLost);
        return true;
      };
      const onLost = (err: SmppSendError): void => {
        if (finish()) reject(err);
      };
      const timer = setTimeout(() => {
        if (finish()) reject(this.localError('transient', 'TIMEOUT', `no ${pdu.command}_resp within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.add(onLost);
      const sent = session.send(pdu, (resp) => {
        if (finish()) resolve(resp);
      });
      if (!sent) onLost(this.localError('transient', 'CONNECTION_LOST', `SMPP connection not writable (${pdu.command})`));
    });
  }

  /** One submit_sm: its message_id, or an SmppSendError. */
  private async submit(session: smpp.Session, pdu: smpp.PDU): Promise<string> {
    const resp = await this.request(session, pdu, this.opts.responseTimeoutMs);
    if (resp.command_status === ESME.ROK) return typeof resp.message_id === 'string' ? resp.message_id : '';
    const status = resp.command_status;
    throw new SmppSendError(submitFailureKind(status), statusCode(status), `submit_sm failed: ${describeStatus(status)}`);
  }

  private localError(kind: 'transient' | 'permanent', code: LocalErrorCode, message: string): SmppSendError {
    return new SmppSendError(kind, code, message);
  }

  // ---- requests from the SMSC ----

  private onRequest(session: smpp.Session, pdu: smpp.PDU): void {
    switch (pdu.command) {
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        this.closeReason = 'unbind from the SMSC';
        session.send(pdu.response(), () => session.close());
        return;
      case 'deliver_sm':
      case 'data_sm':
        void this.onDeliver(session, pdu);
        return;
      case 'alert_notification':
        return; // no response PDU exists
      default:
        session.send(pdu.response({ command_status: ESME.RINVCMDID }));
    }
  }

  private async onDeliver(session: smpp.Session, pdu: smpp.PDU): Promise<void> {
    let status: number = ESME.ROK;
    try {
      const handlers = this.handlers;
      if (!handlers) throw new Error('no handlers');
      const content = interpretDeliverSm(pdu);
      if (content.kind === 'receipt') await handlers.onReceipt(content.receipt);
      else await handlers.onInbound(content.sms);
    } catch (err) {
      status = err instanceof UnreadableDeliverError ? ESME.RX_P_APPN : this.opts.handlerErrorStatus;
      this.logger?.warn({ err, command: pdu.command, sequence: pdu.sequence_number, status: describeStatus(status) }, `SMPP ${pdu.command} not taken`);
    }
    // The session may have gone meanwhile: the SMSC then redelivers, as it should.
    if (!session.socket.destroyed) session.send(status === ESME.ROK ? pdu.response() : pdu.response({ command_status: status }));
  }
}
