/**
 * The SMS channel end to end: core, the SMS service and, on loopback, an SMSC (the `smpp`
 * package's server) and HTTP servers speaking the Twilio and SMS.ru APIs, with real Postgres and
 * Redis.
 */
import { createServer } from 'node:net';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { startSms, type RunningSms } from '../support/sms.js';
import { startSmppServer, type RunningSmsc } from '../support/sms/smpp-server.js';
import { startSmsRuServer, type RunningSmsRu } from '../support/sms/smsru-server.js';
import { startTwilioServer, type RunningTwilio } from '../support/sms/twilio-server.js';

interface TicketMessage {
  id: string;
  direction: string;
  visibility: string;
  text: string;
  deliveryStatus: string | null;
  deliveryError: string | null;
  sms?: { segments: number; encoding: string } | null;
}

const SUPPORT_NUMBER = '+4915100000001';
const CUSTOMER = '+4917600000002';
/** Cyrillic and an emoji: UCS-2, 67 units per part. */
const CYRILLIC_REPLY = `Здравствуйте! Ваш возврат оформлен, деньги придут в течение трёх рабочих дней. Спасибо за терпение 🙏 Номер заявки указан выше.`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('SMS channel (core + SMS service + SMSC, Twilio and SMS.ru on loopback)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let svc: RunningSms;
  let smsc: RunningSmsc;
  let twilio: RunningTwilio;
  let smsru: RunningSmsRu;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    core = await startCore({ NOTIFICATIONS_ENABLED: 'true', SMS_PUBLIC_URL: `http://127.0.0.1:${port}` });
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
    smsc = await startSmppServer({ systemId: 'acme', password: 'secret1' });
    twilio = await startTwilioServer();
    smsru = await startSmsRuServer({ apiId: '1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D' });
    svc = await startSms(port);
  });
  beforeEach(async () => {
    await resetState(core);
    await core.ds.query('DELETE FROM sms_channels');
    await svc.sessions.refresh();
    smsc.clear();
    twilio.clear();
  });
  afterAll(async () => {
    await svc?.close();
    await core?.ds.query('DELETE FROM sms_channels');
    await core?.close();
    await smsc?.close();
    await twilio?.close();
    await smsru?.close();
  });

  const query = <T = any>(sql: string, params: unknown[] = []) => core.ds.query<T[]>(sql, params);
  const ticket = async (id: string) => (await admin.get(`/tickets/${id}`)).body;
  const inboundCount = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE direction = 'inbound'`))[0].n;
  /** The ticket of the customer's message with this text, once core has it. */
  const ticketWith = (text: string, timeoutMs = 15_000) =>
    waitFor(
      `a ticket with "${text.slice(0, 40)}"`,
      async () => {
        const [row] = await query(`SELECT ticket_id AS id FROM messages WHERE direction = 'inbound' AND text = $1`, [text]);
        return row && ticket(row.id);
      },
      timeoutMs,
    );
  const messageState = (ticketId: string, messageId: string, states: string[]) =>
    waitFor(`message ${messageId} to be ${states.join(' or ')}`, async () => {
      const m = ((await ticket(ticketId)).messages as TicketMessage[]).find((x) => x.id === messageId);
      return m && states.includes(m.deliveryStatus ?? '') && m;
    }, 15_000);
  const reply = async (ticketId: string, body: string) => {
    const res = await admin.post(`/tickets/${ticketId}/messages`, { visibility: 'public', body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  async function addChannel(provider: 'smpp' | 'twilio' | 'smsru', over: Record<string, unknown> = {}): Promise<{ id: string; webhookUrls: Record<string, string> | null }> {
    const settings =
      provider === 'smpp'
        ? { smppHost: '127.0.0.1', smppPort: smsc.port, credentials: { systemId: 'acme', password: 'secret1' } }
        : provider === 'twilio'
          ? { baseUrl: twilio.baseUrl, credentials: twilio.credentials() }
          : { baseUrl: smsru.baseUrl, credentials: { apiId: smsru.apiId } };
    const res = await admin.post('/channels/sms', { name: `${provider} line`, provider, sender: SUPPORT_NUMBER, ...settings, ...over });
    if (res.status !== 201) throw new Error(`creating the channel failed: ${res.status} ${JSON.stringify(res.body)}`);
    await svc.sessions.refresh();
    if (provider === 'smpp') await waitFor('the SMPP bind', async () => smsc.binds.some((b) => b.status === 0), 10_000);
    return res.body;
  }

  describe('SMPP', () => {
    it('makes a ticket of an SMS, threads the follow-up, sends a Cyrillic reply as UCS-2 in parts and marks it delivered by its receipts', async () => {
      await addChannel('smpp');
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'My refund has not arrived');
      const t = await ticketWith('My refund has not arrived');
      expect(t.subject).toBe('My refund has not arrived');
      const [identity] = await query(`SELECT kind, value FROM contact_identities`);
      expect(identity).toEqual({ kind: 'phone', value: CUSTOMER });
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'It was order 7781');
      expect((await ticketWith('It was order 7781')).id).toBe(t.id);

      const id = await reply(t.id, CYRILLIC_REPLY);
      const sent = await smsc.waitForMessage((m) => m.to.endsWith('4917600000002'), 15_000);
      expect(sent.text).toBe(CYRILLIC_REPLY);
      expect(sent.dataCoding).toBe(0x08);
      expect(sent.segments).toHaveLength(2);
      const stored = await messageState(t.id, id, ['sent']);
      expect(stored.sms).toEqual({ segments: 2, encoding: 'ucs2' });
      // Delivered once every part is.
      await smsc.deliverReceipt(sent.messageIds[0], 'DELIVRD');
      await new Promise((r) => setTimeout(r, 300));
      expect(((await ticket(t.id)).messages as TicketMessage[]).find((m) => m.id === id)!.deliveryStatus).toBe('sent');
      await smsc.deliverReceipt(sent.messageIds[1], 'DELIVRD');
      await messageState(t.id, id, ['delivered']);
    });

    it('counts a receipt that comes before the last segment is even sent', async () => {
      await addChannel('smpp', { throughputPerSecond: 2 });
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'Quick question');
      const t = await ticketWith('Quick question');
      const id = await reply(t.id, 'Answer number one. '.repeat(10).trim());
      // The SMSC reports the first segment delivered at once, half a second before the second goes.
      const first = await smsc.waitForSubmit((x) => x.status === 0, 10_000);
      await smsc.deliverReceipt(first.messageId, 'DELIVRD');
      const sent = await smsc.waitForMessage(() => true, 10_000);
      await messageState(t.id, id, ['sent']);
      await smsc.deliverReceipt(sent.messageIds[1], 'DELIVRD');
      await messageState(t.id, id, ['delivered']);
    });

    it('joins a long SMS that arrives in parts, out of order, into one message, once', async () => {
      await addChannel('smpp');
      const long = Array.from({ length: 8 }, (_, i) => `Line ${i + 1} of a long complaint about the broken charger.`).join(' ');
      const statuses = await smsc.sendConcatenated(CUSTOMER, SUPPORT_NUMBER, long, { order: 'reverse', ref: 77 });
      expect(statuses.every((s) => s === 0)).toBe(true);
      const t = await ticketWith(long);
      expect(((await ticket(t.id)).messages as TicketMessage[]).filter((m) => m.direction === 'inbound')).toHaveLength(1);
      // The SMSC delivers the same message again (it did not see our answer): still one.
      await smsc.sendConcatenated(CUSTOMER, SUPPORT_NUMBER, long, { order: 'reverse', ref: 77 });
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'and one more thing');
      await ticketWith('and one more thing');
      expect(await inboundCount()).toBe(2);
    });

    it('reconnects after the connection drops mid-send and delivers the reply once', async () => {
      await addChannel('smpp');
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'Are you there?');
      const t = await ticketWith('Are you there?');
      smsc.dropOnNextSubmit();
      const id = await reply(t.id, 'Yes, we are here.');
      const sent = await smsc.waitForMessage((m) => m.text === 'Yes, we are here.', 30_000);
      await messageState(t.id, id, ['sent']);
      await smsc.deliverReceipt(sent.messageIds[0], 'DELIVRD');
      await messageState(t.id, id, ['delivered']);
      expect(smsc.messages.filter((m) => m.text === 'Yes, we are here.')).toHaveLength(1);
      expect(smsc.binds.filter((b) => b.status === 0).length).toBeGreaterThanOrEqual(2);
    });

    it('holds the channel’s throughput across its segments', async () => {
      await addChannel('smpp', { throughputPerSecond: 4 });
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'Lots of questions');
      const t = await ticketWith('Lots of questions');
      // 3 replies: 1 + 2 + 3 segments = 6 segments at 4/s.
      await reply(t.id, 'First answer.');
      await reply(t.id, 'Second answer. '.repeat(12).trim());
      await reply(t.id, 'Third answer. '.repeat(25).trim());
      await waitFor('all six segments', async () => smsc.submits.length >= 6, 15_000);
      const times = smsc.submits.map((x) => x.receivedAt.getTime()).sort((a, b) => a - b);
      // Six segments at four a second: the first and the last at least 5 intervals of 250 ms apart.
      expect(times.at(-1)! - times[0]).toBeGreaterThanOrEqual(5 * 250 - 50);
      for (let i = 4; i < times.length; i++) expect(times[i] - times[i - 4]).toBeGreaterThanOrEqual(950);
    });

    it('fails a reply longer than the channel allows, and one the SMSC refuses for good, with the reason', async () => {
      await addChannel('smpp', { maxSegments: 1 });
      await smsc.sendInbound(CUSTOMER, SUPPORT_NUMBER, 'Hi');
      const t = await ticketWith('Hi');
      const long = await reply(t.id, 'x'.repeat(200));
      expect((await messageState(t.id, long, ['failed'])).deliveryError).toMatch(/2 SMS segments.*at most 1/);
      smsc.failNextSubmit(0x0b);
      const refused = await reply(t.id, 'short one');
      expect((await messageState(t.id, refused, ['failed'])).deliveryError).toMatch(/0x0000000B/i);
    });
  });

  describe('Twilio', () => {
    it('takes signed webhooks only: a forged one is refused with 403 and creates nothing; the same MessageSid twice is one message', async () => {
      const channel = await addChannel('twilio');
      const url = channel.webhookUrls!.inbound;
      const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', From: CUSTOMER, To: SUPPORT_NUMBER, Body: 'forged', AccountSid: twilio.accountSid };
      expect((await twilio.postWebhook(url, params, null)).status).toBe(403);
      expect((await twilio.postWebhook(url, params, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).status).toBe(403);
      expect((await twilio.postWebhook(url, { ...params, Body: 'changed' }, twilio.sign(url, params))).status).toBe(403);
      await new Promise((r) => setTimeout(r, 300));
      expect(await inboundCount()).toBe(0);

      const first = await twilio.postWebhook(url, { ...params, Body: 'Printer jammed' });
      expect(first.status).toBe(200);
      expect(first.body).toContain('<Response');
      const again = await twilio.postWebhook(url, { ...params, Body: 'Printer jammed' });
      expect(again.status).toBe(200);
      const t = await ticketWith('Printer jammed');
      await new Promise((r) => setTimeout(r, 500));
      expect(((await ticket(t.id)).messages as TicketMessage[]).filter((m) => m.direction === 'inbound')).toHaveLength(1);
    });

    it('sends a GSM-7 reply in two parts with a status callback, and takes delivered and undelivered from it', async () => {
      const channel = await addChannel('twilio');
      await twilio.sendInbound(channel.webhookUrls!.inbound, { from: CUSTOMER, to: SUPPORT_NUMBER, body: 'Where is my parcel?' });
      const t = await ticketWith('Where is my parcel?');
      const text = `Your parcel left our warehouse today [ref {7781}] and should arrive within 2-3 days. ${'Thank you for waiting. '.repeat(4)}`.trim();
      const id = await reply(t.id, text);
      const sent = await twilio.waitFor((m) => m.to === CUSTOMER, 15_000);
      expect(sent.body).toBe(text);
      expect(sent.statusCallback).toBe(channel.webhookUrls!.status);
      expect((await messageState(t.id, id, ['sent'])).sms).toEqual({ segments: 2, encoding: 'gsm7' });
      expect(sent.numSegments).toBe(2);
      expect((await twilio.deliver(sent.sid, 'delivered')).status).toBe(200);
      await messageState(t.id, id, ['delivered']);

      const second = await reply(t.id, 'One more thing.');
      const sent2 = await twilio.waitFor((m) => m.body === 'One more thing.', 15_000);
      await messageState(t.id, second, ['sent']);
      await twilio.deliver(sent2.sid, 'undelivered', 30003);
      expect((await messageState(t.id, second, ['failed'])).deliveryError).toContain('30003');
    });

    it('turns STOP into an opt-out: no ticket, and a reply to the number is refused until START', async () => {
      const channel = await addChannel('twilio');
      await twilio.sendInbound(channel.webhookUrls!.inbound, { from: CUSTOMER, to: SUPPORT_NUMBER, body: 'Need help with login' });
      const t = await ticketWith('Need help with login');
      await twilio.sendInbound(channel.webhookUrls!.inbound, { from: CUSTOMER, to: SUPPORT_NUMBER, body: 'STOP' });
      await waitFor('the opt-out', async () => (await query(`SELECT 1 FROM contact_identities WHERE value = $1 AND opted_out_at IS NOT NULL`, [CUSTOMER])).length === 1);
      expect(await inboundCount()).toBe(1);
      const refused = await reply(t.id, 'Did that help?');
      expect((await messageState(t.id, refused, ['failed'])).deliveryError).toMatch(/opted out/);
      expect(twilio.messages.filter((m) => m.body === 'Did that help?')).toHaveLength(0);

      await twilio.sendInbound(channel.webhookUrls!.inbound, { from: CUSTOMER, to: SUPPORT_NUMBER, body: 'START' });
      await waitFor('the opt-in', async () => (await query(`SELECT 1 FROM contact_identities WHERE value = $1 AND opted_out_at IS NULL`, [CUSTOMER])).length === 1);
      const ok = await reply(t.id, 'Welcome back.');
      await messageState(t.id, ok, ['sent']);
    });
  });

  describe('SMS.ru', () => {
    it('takes callbacks with the channel’s secret only, makes a ticket, sends a Cyrillic reply and marks it delivered', async () => {
      const channel = await addChannel('smsru');
      const callback = channel.webhookUrls!.callback;
      expect(callback).toMatch(/\/smsru\/[^/]+$/);
      const forged = await smsru.sendInbound(callback.replace(/[^/]+$/, 'wrong-secret'), '79251234567', 'подделка');
      expect(forged.status).toBe(403);
      const answer = await smsru.sendInbound(callback, '79251234567', 'Не приходит код подтверждения');
      expect(answer.status).toBe(200);
      expect(answer.body.trim()).toBe('100');
      const t = await ticketWith('Не приходит код подтверждения');
      const [identity] = await query(`SELECT value FROM contact_identities WHERE kind = 'phone'`);
      expect(identity.value).toBe('+79251234567');

      const id = await reply(t.id, 'Код отправлен повторно.');
      const sent = await smsru.waitFor((m) => m.to === '79251234567', 15_000);
      expect(sent.text).toBe('Код отправлен повторно.');
      expect((await messageState(t.id, id, ['sent'])).sms).toEqual({ segments: 1, encoding: 'ucs2' });
      expect((await smsru.sendStatus(callback, sent.smsId, 103)).status).toBe(200);
      await messageState(t.id, id, ['delivered']);
    });
  });
});
