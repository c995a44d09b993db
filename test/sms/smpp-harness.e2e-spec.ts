/**
 * The SMPP provider against the test SMSC (test/support/sms/smpp-server.ts): binding, keep-alive,
 * reconnects and refusals, submit_sm encoding (GSM-7 / UCS-2, concatenation UDH), error
 * mapping, delivery receipts and inbound messages, and when deliver_sm is acknowledged.
 */
import { createServer } from 'node:net';
import { encodeText } from '../../apps/sms/src/encoding/segments.js';
import type { DeliveryReceipt, InboundSms, SessionHandlers } from '../../apps/sms/src/providers/provider.js';
import { concatRefFor, SmppProvider, type SmppProviderOptions } from '../../apps/sms/src/providers/smpp/smpp-provider.js';
import { SmppSendError } from '../../apps/sms/src/providers/smpp/status.js';
import {
  ESME_RINVDSTADR,
  ESME_RINVPASWD,
  ESME_RMSGQFUL,
  ESME_ROK,
  ESME_RX_T_APPN,
  startSmppServer,
  type RunningSmsc,
} from '../support/sms/smpp-server.js';

const SENDER = '+4915100000001';
const CUSTOMER = '+4917600000002';

/** Polls `check` until it returns something truthy. */
async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Handlers that record what the provider delivers. */
function recorder() {
  const inbound: InboundSms[] = [];
  const receipts: DeliveryReceipt[] = [];
  const states: Array<{ state: string; detail: string }> = [];
  let onInbound: (sms: InboundSms) => Promise<void> = async () => undefined;
  const handlers: SessionHandlers = {
    onInbound: async (sms) => {
      await onInbound(sms);
      inbound.push(sms);
    },
    onReceipt: async (receipt) => {
      receipts.push(receipt);
    },
    onState: (state, detail) => {
      states.push({ state, detail });
    },
  };
  return {
    handlers,
    inbound,
    receipts,
    states,
    /** Replace what onInbound does before it records (e.g. wait, or throw). */
    setInbound(fn: (sms: InboundSms) => Promise<void>) {
      onInbound = fn;
    },
    stateCount: (state: string) => states.filter((s) => s.state === state).length,
  };
}

describe('SMPP provider against the test SMSC', () => {
  let smsc: RunningSmsc;
  const providers: SmppProvider[] = [];

  const FAST: SmppProviderOptions = { reconnectInitialMs: 50, reconnectMaxMs: 200, responseTimeoutMs: 2_000, bindWaitMs: 3_000 };

  const provider = (options: SmppProviderOptions = {}, credentials: Record<string, string> = smsc.credentials(), sender = SENDER) => {
    const p = new SmppProvider({ channelId: 'chan-1', sender, credentials }, { ...FAST, ...options });
    providers.push(p);
    return p;
  };

  /** A started provider, bound. */
  const bound = async (options: SmppProviderOptions = {}) => {
    const rec = recorder();
    const p = provider(options);
    await p.start(rec.handlers);
    expect(p.bound).toBe(true);
    return { p, rec };
  };

  beforeEach(async () => {
    smsc = await startSmppServer({ systemId: 'acme', password: 's3cret' });
  });

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.stop()));
    await smsc.close();
  });

  describe('session', () => {
    it('binds as a transceiver with the credentials and reports up', async () => {
      const { rec } = await bound();
      expect(smsc.binds).toEqual([expect.objectContaining({ command: 'bind_transceiver', systemId: 'acme', password: 's3cret', status: ESME_ROK, interfaceVersion: 0x34 })]);
      expect(rec.states).toEqual([{ state: 'up', detail: expect.stringContaining('as acme') }]);
    });

    it('a wrong password is refused: onState refused, no retries, sends fail fast', async () => {
      const rec = recorder();
      const p = provider({}, { ...smsc.credentials(), password: 'wrong' });
      await p.start(rec.handlers);
      expect(rec.states).toEqual([{ state: 'refused', detail: expect.stringContaining('ESME_RINVPASWD') }]);
      await sleep(400); // several backoff periods
      expect(smsc.binds.map((b) => b.status)).toEqual([ESME_RINVPASWD]);
      const started = Date.now();
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('hi'), reference: 'm1' })).rejects.toMatchObject({ kind: 'transient', code: 'BIND_REFUSED' });
      expect(Date.now() - started).toBeLessThan(500);
    });

    it('binds refused by the SMSC (ESME_RBINDFAIL) stop the retries too', async () => {
      smsc.refuseBinds();
      const rec = recorder();
      await provider().start(rec.handlers);
      expect(rec.states).toEqual([{ state: 'refused', detail: expect.stringContaining('ESME_RBINDFAIL') }]);
      await sleep(300);
      expect(smsc.binds).toHaveLength(1);
    });

    it('a passing bind failure (ESME_RSYSERR) is retried until it binds', async () => {
      smsc.refuseBinds(0x08);
      const rec = recorder();
      const p = provider();
      await p.start(rec.handlers);
      expect(rec.states[0]).toEqual({ state: 'down', detail: expect.stringContaining('ESME_RSYSERR') });
      await until(() => smsc.binds.length >= 2, 'a second bind attempt');
      smsc.refuseBinds(false);
      await until(() => p.bound, 'the bind');
      expect(rec.states.at(-1)?.state).toBe('up');
    });

    it('keeps the link alive with enquire_link and answers the SMSC’s', async () => {
      await bound({ enquireLinkIntervalMs: 50 });
      await until(() => smsc.enquireLinks >= 3, 'three enquire_link');
      await expect(smsc.sendEnquireLink()).resolves.toBe(ESME_ROK);
    });

    it('a link whose enquire_link goes unanswered is dropped and rebound', async () => {
      const { p, rec } = await bound({ enquireLinkIntervalMs: 50, responseTimeoutMs: 200 });
      smsc.ignoreEnquireLinks();
      await until(() => rec.states.find((s) => s.state === 'down'), 'down');
      expect(rec.states.find((s) => s.state === 'down')?.detail).toContain('enquire_link');
      smsc.ignoreEnquireLinks(false);
      await smsc.waitForBind(2);
      await until(() => p.bound, 'rebound');
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('still there?'), reference: 'm-ka' })).resolves.toMatchObject({ providerMessageIds: [expect.any(String)] });
    });

    it('a dropped connection is reported down, reconnected, and later sends work', async () => {
      const { p, rec } = await bound();
      smsc.dropConnections();
      await smsc.waitForBind(2);
      await until(() => p.bound, 'rebound');
      expect(rec.states.map((s) => s.state)).toEqual(['up', 'down', 'up']);
      const result = await p.send({ to: CUSTOMER, encoded: encodeText('after the drop'), reference: 'm2' });
      expect(result.providerMessageIds).toHaveLength(1);
      expect((await smsc.waitForMessage((m) => m.text === 'after the drop')).messageIds).toEqual(result.providerMessageIds);
    });

    it('reconnects with backoff while the SMSC is away', async () => {
      const { p, rec } = await bound({ reconnectInitialMs: 20, reconnectMaxMs: 80 });
      smsc.refuseBinds(0x08); // each attempt fails and is retried
      smsc.dropConnections();
      await until(() => rec.stateCount('down') >= 5, 'five failed attempts');
      const delays = rec.states.filter((s) => s.state === 'down').map((s) => Number(/in (\d+) ms/.exec(s.detail)?.[1]));
      expect(Math.max(...delays)).toBeLessThanOrEqual(80 * 1.2);
      expect(delays[3]).toBeGreaterThan(delays[0]);
      smsc.refuseBinds(false);
      await until(() => p.bound, 'rebound');
    });

    it('an unbind from the SMSC is answered and the provider binds again', async () => {
      const { p } = await bound();
      smsc.unbindAll();
      await smsc.waitForBind(2);
      await until(() => p.bound, 'rebound');
    });

    it('a send while disconnected waits for the bind', async () => {
      const { p } = await bound({ reconnectInitialMs: 300, reconnectMaxMs: 300 });
      smsc.dropConnections();
      await until(() => !p.bound, 'down');
      const result = await p.send({ to: CUSTOMER, encoded: encodeText('queued until bound'), reference: 'm3' });
      expect(result.providerMessageIds).toHaveLength(1);
      expect(smsc.binds.filter((b) => b.status === ESME_ROK)).toHaveLength(2);
    });

    it('no SMSC: start() settles after the first attempt; sends fail NOT_BOUND after bindWaitMs', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as { port: number }).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const rec = recorder();
      const p = provider({ bindWaitMs: 300 }, { ...smsc.credentials(), port: String(port) });
      await p.start(rec.handlers);
      expect(rec.states[0]).toEqual({ state: 'down', detail: expect.stringContaining('ECONNREFUSED') });
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('hi'), reference: 'm4' })).rejects.toMatchObject({ kind: 'transient', code: 'NOT_BOUND' });
    });

    it('stop() unbinds and reports down; sends after it fail STOPPED', async () => {
      const { p, rec } = await bound();
      await p.stop();
      expect(smsc.unbinds).toBe(1);
      expect(rec.states.at(-1)).toEqual({ state: 'down', detail: 'stopped' });
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('hi'), reference: 'm5' })).rejects.toMatchObject({ kind: 'transient', code: 'STOPPED' });
    });
  });

  describe('send', () => {
    it('GSM-7: data_coding 0, no UDH, registered_delivery 1, the text intact', async () => {
      const { p } = await bound();
      const text = 'Hi Ana @ 5 € [ref #42] ~ok {}|^\\ £$¥èéùìòÇ';
      const result = await p.send({ to: CUSTOMER, encoded: encodeText(text), reference: 'm-gsm' });
      const sms = await smsc.waitForMessage();
      expect(sms.text).toBe(text);
      expect(sms.messageIds).toEqual(result.providerMessageIds);
      expect(sms.segments[0]).toMatchObject({
        from: '4915100000001',
        sourceTon: 1,
        sourceNpi: 1,
        to: '4917600000002',
        destTon: 1,
        destNpi: 1,
        dataCoding: 0x00,
        esmClass: 0x00,
        registeredDelivery: 1,
        udh: null,
        concat: null,
      });
    });

    it('UCS-2: data_coding 8', async () => {
      const { p } = await bound();
      const text = 'Здравствуйте! Ваш заказ готов 😀';
      await p.send({ to: CUSTOMER, encoded: encodeText(text), reference: 'm-ucs' });
      const sms = await smsc.waitForMessage();
      expect(sms.text).toBe(text);
      expect(sms.segments[0]).toMatchObject({ dataCoding: 0x08, esmClass: 0x00, udh: null });
    });

    it('multi-part GSM-7: one submit_sm per segment with UDH [05 00 03 ref total seq] and esm_class 0x40', async () => {
      const { p } = await bound();
      const text = `${'The quick brown fox jumps over the lazy dog. '.repeat(7)}€ end`;
      const encoded = encodeText(text);
      expect(encoded.segments).toHaveLength(3);
      const result = await p.send({ to: CUSTOMER, encoded, reference: 'msg-multi' });
      expect(result.providerMessageIds).toHaveLength(3);
      expect(new Set(result.providerMessageIds).size).toBe(3);
      const sms = await smsc.waitForMessage();
      expect(sms.text).toBe(text);
      expect(sms.messageIds).toEqual(result.providerMessageIds);
      const ref = concatRefFor(encoded, 'msg-multi');
      sms.segments.forEach((s, i) => {
        expect(s).toMatchObject({ dataCoding: 0x00, esmClass: 0x40, registeredDelivery: 1, concat: { ref, total: 3, seq: i + 1 } });
        expect([...s.udh!]).toEqual([0x05, 0x00, 0x03, ref, 3, i + 1]);
        expect(s.text).toBe(encoded.segments[i]);
      });
    });

    it('multi-part UCS-2 with an emoji on the boundary, and a given concatenation reference', async () => {
      const { p } = await bound();
      const text = `${'Ж'.repeat(66)}😀${'Ы'.repeat(70)}`;
      const encoded = encodeText(text, { concatRef: 200 });
      await p.send({ to: CUSTOMER, encoded, reference: 'msg-ucs-multi' });
      const sms = await smsc.waitForMessage();
      expect(sms.text).toBe(text);
      expect(sms.segments.map((s) => [s.dataCoding, s.esmClass, s.concat?.ref])).toEqual([
        [8, 0x40, 200],
        [8, 0x40, 200],
        [8, 0x40, 200],
      ]);
      expect(sms.segments[1].text.startsWith('😀')).toBe(true);
    });

    it('an alphanumeric sender goes as TON 5 / NPI 0', async () => {
      const rec = recorder();
      const p = provider({}, smsc.credentials(), 'ACME');
      await p.start(rec.handlers);
      await p.send({ to: CUSTOMER, encoded: encodeText('from a name'), reference: 'm-alpha' });
      expect((await smsc.waitForSubmit()).from).toBe('ACME');
      expect(smsc.submits[0]).toMatchObject({ sourceTon: 5, sourceNpi: 0 });
    });

    it('throttled (0x58) and queue full (0x14) are transient errors with the code', async () => {
      const { p } = await bound();
      smsc.throttleNext();
      const err = await p.send({ to: CUSTOMER, encoded: encodeText('hi'), reference: 'm6' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SmppSendError);
      expect(err).toMatchObject({ name: 'SmsSendError', kind: 'transient', code: '0x00000058', message: expect.stringContaining('ESME_RTHROTTLED') });
      smsc.failNextSubmit(ESME_RMSGQFUL);
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('hi'), reference: 'm6' })).rejects.toMatchObject({ kind: 'transient', code: '0x00000014' });
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('hi'), reference: 'm6' })).resolves.toMatchObject({ providerMessageIds: [expect.any(String)] });
    });

    it('an invalid destination (0x0B) is a permanent error', async () => {
      const { p } = await bound();
      smsc.failNextSubmit(ESME_RINVDSTADR);
      await expect(p.send({ to: '+1', encoded: encodeText('hi'), reference: 'm7' })).rejects.toMatchObject({ kind: 'permanent', code: '0x0000000B' });
    });

    it('a segment failing after others were accepted names the accepted ones', async () => {
      const { p } = await bound();
      smsc.failNextSubmit(ESME_ROK); // segment 1 goes through
      smsc.throttleNext(); // segment 2 is throttled
      const err = (await p.send({ to: CUSTOMER, encoded: encodeText('x'.repeat(400)), reference: 'm8' }).catch((e: unknown) => e)) as SmppSendError;
      expect(err).toMatchObject({ kind: 'transient', code: '0x00000058' });
      expect(err.accepted[0]).toEqual({ seq: 1, messageId: smsc.submits[0].messageId });
      expect(err.accepted.map((a) => a.seq)).not.toContain(2);
    });

    it('a connection dropped mid-send is a transient error; the retry goes through', async () => {
      const { p } = await bound();
      smsc.dropOnNextSubmit();
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('lost in transit'), reference: 'm9' })).rejects.toMatchObject({
        kind: 'transient',
        code: 'CONNECTION_LOST',
      });
      const result = await p.send({ to: CUSTOMER, encoded: encodeText('lost in transit'), reference: 'm9' });
      expect(result.providerMessageIds).toHaveLength(1);
    });

    it('no submit_sm_resp in time is a transient TIMEOUT', async () => {
      const { p } = await bound({ responseTimeoutMs: 300 });
      smsc.delaySubmits(Infinity);
      await expect(p.send({ to: CUSTOMER, encoded: encodeText('anyone?'), reference: 'm10' })).rejects.toMatchObject({ kind: 'transient', code: 'TIMEOUT' });
    });

    it('keeps at most windowSize submit_sm in flight', async () => {
      const { p } = await bound({ windowSize: 2 });
      smsc.delaySubmits(50);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => p.send({ to: CUSTOMER, encoded: encodeText(`message ${i}`), reference: `w${i}` })),
      );
      expect(results.flatMap((r) => r.providerMessageIds)).toHaveLength(6);
      expect(smsc.maxInFlight).toBe(2);
    });

    it('an empty text is refused before anything is sent', async () => {
      const { p } = await bound();
      await expect(p.send({ to: CUSTOMER, encoded: encodeText(''), reference: 'm11' })).rejects.toMatchObject({ kind: 'permanent', code: 'EMPTY_MESSAGE' });
      expect(smsc.submits).toHaveLength(0);
    });
  });

  describe('receipts', () => {
    it('DELIVRD and UNDELIV reach onReceipt with the submit_sm_resp message id', async () => {
      const { p, rec } = await bound();
      const [a] = (await p.send({ to: CUSTOMER, encoded: encodeText('one'), reference: 'r1' })).providerMessageIds;
      const [b] = (await p.send({ to: CUSTOMER, encoded: encodeText('two'), reference: 'r2' })).providerMessageIds;
      await expect(smsc.deliverReceipt(a, 'DELIVRD')).resolves.toBe(ESME_ROK);
      await expect(smsc.deliverReceipt(b, 'UNDELIV', { err: '034' })).resolves.toBe(ESME_ROK);
      expect(rec.receipts).toEqual([
        { providerMessageId: a, status: 'delivered', at: expect.any(Date) },
        { providerMessageId: b, status: 'failed', error: 'UNDELIV err:034', at: expect.any(Date) },
      ]);
    });

    it('a receipt without TLVs is read from its text', async () => {
      const { p, rec } = await bound();
      const [id] = (await p.send({ to: CUSTOMER, encoded: encodeText('three'), reference: 'r3' })).providerMessageIds;
      await smsc.deliverReceipt(id, 'EXPIRED', { tlv: false });
      expect(rec.receipts).toEqual([{ providerMessageId: id, status: 'failed', error: 'EXPIRED err:001', at: expect.any(Date) }]);
    });

    it('automatic receipts: one per segment', async () => {
      await smsc.close();
      smsc = await startSmppServer({ systemId: 'acme', password: 's3cret', autoReceipt: 'DELIVRD' });
      const { p, rec } = await bound();
      const { providerMessageIds } = await p.send({ to: CUSTOMER, encoded: encodeText('y'.repeat(320)), reference: 'r4' });
      await until(() => rec.receipts.length === 3, 'three receipts');
      expect(rec.receipts.map((r) => r.providerMessageId).sort()).toEqual([...providerMessageIds].sort());
      expect(rec.receipts.every((r) => r.status === 'delivered')).toBe(true);
    });
  });

  describe('inbound', () => {
    it('a single SMS in GSM-7, UCS-2, IA5 and Latin-1', async () => {
      const { rec } = await bound();
      await expect(smsc.sendInbound(CUSTOMER, SENDER, 'My printer @home is on fire {€}')).resolves.toBe(ESME_ROK);
      await smsc.sendInbound(CUSTOMER, SENDER, 'Принтер горит 🔥');
      await smsc.sendInbound(CUSTOMER, SENDER, 'ascii_mail@example.org', { dataCoding: 0x01 });
      await smsc.sendInbound(CUSTOMER, SENDER, 'Grüße, ½ Preis', { dataCoding: 0x03, messagePayload: true });
      expect(rec.inbound.map((m) => m.text)).toEqual(['My printer @home is on fire {€}', 'Принтер горит 🔥', 'ascii_mail@example.org', 'Grüße, ½ Preis']);
      expect(rec.inbound[0]).toEqual({ providerMessageId: expect.stringMatching(/^mo-/), idFromContent: true, from: CUSTOMER, to: SENDER, text: expect.any(String), receivedAt: expect.any(Date) });
      expect(rec.inbound.every((m) => m.part === undefined)).toBe(true);
    });

    it('a concatenated SMS out of order: every part with ref/total/seq, joinable by seq', async () => {
      const { rec } = await bound();
      const text = 'Hello, I ordered a blue kettle last week and it arrived broken. '.repeat(4);
      const statuses = await smsc.sendConcatenated(CUSTOMER, SENDER, text, { ref: 77, order: 'reverse', partChars: 90 });
      expect(statuses).toEqual([0, 0, 0]);
      expect(rec.inbound.map((m) => m.part)).toEqual([
        { ref: 77, total: 3, seq: 3 },
        { ref: 77, total: 3, seq: 2 },
        { ref: 77, total: 3, seq: 1 },
      ]);
      const joined = [...rec.inbound].sort((a, b) => a.part!.seq - b.part!.seq).map((m) => m.text).join('');
      expect(joined).toBe(text);
      expect(new Set(rec.inbound.map((m) => m.providerMessageId)).size).toBe(3);
    });

    it('16-bit references, UCS-2 parts and sar_* TLVs', async () => {
      const { rec } = await bound();
      const text = 'Добрый день! Посылка пришла повреждённой, что делать? 📦 Спасибо.';
      await smsc.sendConcatenated(CUSTOMER, SENDER, text, { ref: 0x1234, refBits: 16, partChars: 25, order: [2, 1, 3] });
      await smsc.sendConcatenated(CUSTOMER, SENDER, 'sar parts work as well, thanks', { ref: 9, refBits: 'sar', partChars: 10 });
      const byRef = (ref: number) =>
        rec.inbound
          .filter((m) => m.part?.ref === ref)
          .sort((a, b) => a.part!.seq - b.part!.seq)
          .map((m) => m.text)
          .join('');
      expect(byRef(0x1234)).toBe(text);
      expect(byRef(9)).toBe('sar parts work as well, thanks');
      expect(rec.inbound.filter((m) => m.part?.ref === 9).map((m) => m.part?.total)).toEqual([3, 3, 3]);
    });

    it('deliver_sm is acknowledged only after the handler resolved', async () => {
      const { rec } = await bound();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      rec.setInbound(() => gate);
      let answered: number | undefined;
      const pending = smsc.sendInbound(CUSTOMER, SENDER, 'wait for it').then((status) => (answered = status));
      await sleep(200);
      expect(answered).toBeUndefined();
      release();
      await pending;
      expect(answered).toBe(ESME_ROK);
      expect(rec.inbound).toHaveLength(1);
    });

    it('a handler that throws gets ESME_RX_T_APPN, so the SMSC redelivers; the redelivery has the same id', async () => {
      const { rec } = await bound();
      const seen: string[] = [];
      rec.setInbound(async (sms) => {
        seen.push(sms.providerMessageId);
        if (seen.length === 1) throw new Error('queue unavailable');
      });
      await expect(smsc.sendInbound(CUSTOMER, SENDER, 'please retry me')).resolves.toBe(ESME_RX_T_APPN);
      await expect(smsc.sendInbound(CUSTOMER, SENDER, 'please retry me')).resolves.toBe(ESME_ROK);
      expect(rec.inbound.map((m) => m.text)).toEqual(['please retry me']);
      expect(seen[0]).toBe(seen[1]);
    });
  });
});
