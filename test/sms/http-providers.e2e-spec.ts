/**
 * The HTTP SMS providers (Twilio, SMS.ru) against their fakes over loopback: sending, error
 * classification, and their webhooks as the SMS service receives them (a small receiver here
 * plays the service: it parses the form, asks verifyWebhook, then parseWebhook, and answers with
 * the provider's reply).
 */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EncodedText, SmsEncoding } from '../../apps/sms/src/encoding/segments.js';
import { SmsSendError, type SmsProvider, type WebhookContent, type WebhookRequest } from '../../apps/sms/src/providers/provider.js';
import { createSmsRuProvider, type SmsRuProvider } from '../../apps/sms/src/providers/smsru/smsru-provider.js';
import { createTwilioProvider, type TwilioProvider } from '../../apps/sms/src/providers/twilio/twilio-provider.js';
import { inboundEntry, smsRuCallbackHash, startSmsRuServer, statusEntry, type RunningSmsRu } from '../support/sms/smsru-server.js';
import { startTwilioServer, twilioSignature, type RunningTwilio, type TwilioFault } from '../support/sms/twilio-server.js';

/** The text as the encoder would hand it over: cut into `parts` pieces (whole characters). */
function encoded(text: string, encoding: SmsEncoding, parts = 1): EncodedText {
  const chars = [...text];
  const size = Math.ceil(chars.length / parts);
  const segments: string[] = [];
  for (let i = 0; i < chars.length; i += size) segments.push(chars.slice(i, i + size).join(''));
  return { encoding, segments, units: chars.length };
}

interface ReceivedCall {
  request: WebhookRequest;
  verified: boolean;
  content?: WebhookContent;
}

/** Plays the SMS service's webhook endpoint for one provider. */
async function startReceiver(provider: () => SmsProvider) {
  const calls: ReceivedCall[] = [];
  const server = http.createServer((req, res) => {
    handle(req).then(
      ({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType });
        res.end(body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      },
    );
  });
  async function handle(req: IncomingMessage): Promise<{ status: number; contentType: string; body: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    const params: Record<string, string | string[]> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value !== 'string') continue;
      const prev = params[name];
      params[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    const request: WebhookRequest = { url: `${base}${req.url ?? '/'}`, headers: req.headers, params };
    const p = provider();
    const verified = p.verifyWebhook!(request);
    const call: ReceivedCall = { request, verified };
    calls.push(call);
    if (!verified) return { status: 403, contentType: 'text/plain', body: 'forbidden' };
    call.content = p.parseWebhook!(request);
    const reply = call.content.reply;
    return reply ? { status: 200, contentType: reply.contentType, body: reply.body } : { status: 204, contentType: 'text/plain', body: '' };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    calls,
    last: (): ReceivedCall => calls[calls.length - 1],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function sendError(p: Promise<unknown>): Promise<SmsSendError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SmsSendError);
    return err as SmsSendError;
  }
  throw new Error('expected the send to fail');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const CYRILLIC_EMOJI = 'Здравствуйте! Ваша заявка №42 принята 👍 Мы ответим в течение часа. Спасибо, что написали нам 😊 — служба поддержки';

describe('Twilio provider against the fake Twilio', () => {
  let twilio: RunningTwilio;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let provider: TwilioProvider;
  const SENDER = '+15005550006';

  beforeAll(async () => {
    twilio = await startTwilioServer();
    receiver = await startReceiver(() => provider);
    provider = createTwilioProvider({
      channelId: 'ch-twilio',
      sender: SENDER,
      baseUrl: twilio.baseUrl,
      credentials: twilio.credentials(),
      statusCallbackUrl: `${receiver.base}/webhooks/sms/twilio/ch-twilio/status`,
    });
  });
  afterAll(async () => {
    await twilio.close();
    await receiver.close();
  });
  beforeEach(() => twilio.clear());

  it("the fake signs as Twilio's documentation shows", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('sends a GSM text: To, From, Body, StatusCallback; returns the SM sid', async () => {
    const result = await provider.send({ to: '+15551230000', encoded: encoded('Hello from Switchboard! Ticket #42 is {open} [ok] ~€', 'gsm7'), reference: 'msg-1' });
    const msg = await twilio.waitFor();
    expect(result.providerMessageIds).toEqual([msg.sid]);
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.to).toBe('+15551230000');
    expect(msg.from).toBe(SENDER);
    expect(msg.body).toBe('Hello from Switchboard! Ticket #42 is {open} [ok] ~€');
    expect(msg.encoding).toBe('gsm7');
    expect(msg.numSegments).toBe(1);
    expect(msg.statusCallback).toBe(`${receiver.base}/webhooks/sms/twilio/ch-twilio/status`);
  });

  it('sends Cyrillic and emoji intact, the segments joined into one Body', async () => {
    const text = `${CYRILLIC_EMOJI} ${CYRILLIC_EMOJI}`;
    const result = await provider.send({ to: '+79251234567', encoded: encoded(text, 'ucs2', 4), reference: 'msg-2' });
    const msg = await twilio.waitFor();
    expect(result.providerMessageIds).toEqual([msg.sid]);
    expect(msg.body).toBe(text);
    expect(msg.encoding).toBe('ucs2');
    expect(msg.numSegments).toBe(4);
  });

  it('names a Messaging Service instead of From when the sender is an MG sid', async () => {
    const mg = createTwilioProvider({ channelId: 'ch-mg', sender: 'MG0123456789abcdef0123456789abcdef', baseUrl: twilio.baseUrl, credentials: twilio.credentials() });
    await mg.send({ to: '+15551230000', encoded: encoded('hi', 'gsm7'), reference: 'msg-3' });
    const msg = await twilio.waitFor();
    expect(msg.messagingServiceSid).toBe('MG0123456789abcdef0123456789abcdef');
    expect(msg.from).toBeUndefined();
    expect(msg.statusCallback).toBeUndefined();
    expect(msg.status).toBe('accepted');
  });

  describe('errors', () => {
    const send = (p: TwilioProvider = provider, to = '+15551230000') => p.send({ to, encoded: encoded('hi', 'gsm7'), reference: 'r' });

    it('an invalid To is permanent 21211', async () => {
      const err = await sendError(send(provider, '+1-555-CALL-NOW'));
      expect(err).toMatchObject({ kind: 'permanent', code: '21211' });
      expect(err.message).toContain("Invalid 'To' Phone Number");
    });

    it.each<[TwilioFault, string, string]>([
      [{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }, 'permanent', '21610'],
      [{ status: 400, code: 21408, message: 'Permission to send an SMS has not been enabled for the region' }, 'permanent', '21408'],
      [{ status: 400, code: 21612, message: "The 'To' phone number is not currently reachable" }, 'permanent', '21612'],
      [{ status: 400, code: 21611, message: "This 'From' number has exceeded the maximum number of queued messages" }, 'transient', '21611'],
      [{ status: 429, code: 20429, message: 'Too Many Requests' }, 'transient', '20429'],
      [{ status: 500, code: 20500, message: 'Internal Server Error' }, 'transient', '20500'],
      [{ status: 503 }, 'transient', '503'],
    ])('%j is %s %s', async (fault, kind, code) => {
      twilio.failNext(fault);
      const err = await sendError(send());
      expect(err).toMatchObject({ kind, code });
      if (fault.message) expect(err.message).toContain(fault.message);
      expect(twilio.messages).toEqual([]);
    });

    it('wrong credentials are permanent 20003', async () => {
      const wrong = createTwilioProvider({ channelId: 'x', sender: SENDER, baseUrl: twilio.baseUrl, credentials: { accountSid: twilio.accountSid, authToken: 'nope' } });
      expect(await sendError(send(wrong))).toMatchObject({ kind: 'permanent', code: '20003' });
    });

    it('a cut connection or a refused one is transient', async () => {
      twilio.dropNextConnection();
      expect(await sendError(send())).toMatchObject({ kind: 'transient' });
      const down = createTwilioProvider({ channelId: 'x', sender: SENDER, baseUrl: `http://127.0.0.1:${await closedPort()}`, credentials: twilio.credentials() });
      expect(await sendError(send(down))).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
    });

    it('a call that takes too long is a transient timeout', async () => {
      const slow = http.createServer(() => undefined);
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      try {
        const p = createTwilioProvider(
          { channelId: 'x', sender: SENDER, baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, credentials: twilio.credentials() },
          { timeoutMs: 200 },
        );
        expect(await sendError(send(p))).toMatchObject({ kind: 'transient', code: 'timeout' });
      } finally {
        slow.closeAllConnections();
        slow.close();
      }
    });
  });

  describe('status callbacks', () => {
    it.each([
      ['sent', undefined, { status: 'sent' }],
      ['delivered', undefined, { status: 'delivered' }],
      ['undelivered', 30003, { status: 'failed', error: '30003' }],
      ['failed', 30008, { status: 'failed', error: '30008' }],
    ] as const)('%s becomes a receipt %j', async (status, errorCode, expected) => {
      const { providerMessageIds } = await provider.send({ to: '+15551230000', encoded: encoded('hi', 'gsm7'), reference: 'r' });
      const answer = await twilio.deliver(providerMessageIds[0], status, errorCode);
      expect(answer.status).toBe(204);
      const call = receiver.last();
      expect(call.verified).toBe(true);
      expect(call.content).toMatchObject({ inbound: [], receipts: [{ providerMessageId: providerMessageIds[0], ...expected }] });
    });

    it('queued and sending give no receipt', async () => {
      const { providerMessageIds } = await provider.send({ to: '+15551230000', encoded: encoded('hi', 'gsm7'), reference: 'r' });
      await twilio.deliver(providerMessageIds[0], 'sending');
      expect(receiver.last()).toMatchObject({ verified: true, content: { inbound: [], receipts: [] } });
    });
  });

  describe('inbound messages', () => {
    it('are verified, parsed with their text intact, and answered with empty TwiML', async () => {
      const url = `${receiver.base}/webhooks/sms/twilio/ch-twilio/inbound`;
      const answer = await twilio.sendInbound(url, { from: '+79251234567', to: SENDER, body: CYRILLIC_EMOJI });
      expect(answer.status).toBe(200);
      expect(answer.contentType).toContain('text/xml');
      expect(answer.body).toMatch(/<Response\/>$/);
      const call = receiver.last();
      expect(call.verified).toBe(true);
      expect(call.content?.inbound).toEqual([
        { providerMessageId: answer.sid, from: '+79251234567', to: SENDER, text: CYRILLIC_EMOJI, receivedAt: expect.any(Date) },
      ]);
      expect(call.content?.receipts).toEqual([]);
    });

    it('are verified against the full URL, query string included', async () => {
      const answer = await twilio.sendInbound(`${receiver.base}/webhooks/sms/twilio/ch-twilio/inbound?tenant=acme&x=%20y`, { from: '+15551230000', to: SENDER, body: 'hi' });
      expect(answer.status).toBe(200);
      expect(receiver.last().verified).toBe(true);
    });
  });

  describe('webhook verification', () => {
    const url = () => `${receiver.base}/webhooks/sms/twilio/ch-twilio/inbound`;
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', SmsStatus: 'received', From: '+15551230000', To: SENDER, Body: 'hello' };

    it('accepts the right signature', async () => {
      expect((await twilio.postWebhook(url(), params)).status).toBe(200);
      expect(receiver.last().verified).toBe(true);
    });

    it('refuses a missing signature', async () => {
      expect((await twilio.postWebhook(url(), params, null)).status).toBe(403);
      expect(receiver.last().verified).toBe(false);
    });

    it('refuses a wrong signature, one made with another token, and one for other params or another URL', async () => {
      expect((await twilio.postWebhook(url(), params, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).status).toBe(403);
      expect((await twilio.postWebhook(url(), params, twilioSignature('another-token', url(), params))).status).toBe(403);
      expect((await twilio.postWebhook(url(), params, twilio.sign(url(), { ...params, Body: 'hell' }))).status).toBe(403);
      expect((await twilio.postWebhook(url(), params, twilio.sign(`${url()}?x=1`, params))).status).toBe(403);
      expect(receiver.calls.slice(-4).map((c) => c.verified)).toEqual([false, false, false, false]);
    });
  });
});

describe('SMS.ru provider against the fake SMS.ru', () => {
  let smsru: RunningSmsRu;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let provider: SmsRuProvider;
  const SECRET = 'f3a9c2e1d4b5a6978877665544332211';
  const callbackUrl = () => `${receiver.base}/webhooks/sms/smsru/ch-smsru/${SECRET}`;

  beforeAll(async () => {
    smsru = await startSmsRuServer();
    receiver = await startReceiver(() => provider);
    provider = createSmsRuProvider(
      { channelId: 'ch-smsru', sender: 'Acme', baseUrl: smsru.baseUrl, credentials: { apiId: smsru.apiId } },
      { webhookSecret: SECRET },
    );
  });
  afterAll(async () => {
    await smsru.close();
    await receiver.close();
  });
  beforeEach(() => smsru.clear());

  const send = (text = 'hi', to = '+79251234567', p: SmsRuProvider = provider) => p.send({ to, encoded: encoded(text, 'gsm7'), reference: 'r' });

  it('sends a GSM text: api_id, to without "+", msg, from, json=1; returns the sms_id', async () => {
    const result = await send('Hello from Switchboard! {ok} [1] ~€');
    const msg = await smsru.waitFor();
    expect(result.providerMessageIds).toEqual([msg.smsId]);
    expect(msg.smsId).toMatch(/^\d{6}-\d+$/);
    expect(msg.to).toBe('79251234567');
    expect(msg.text).toBe('Hello from Switchboard! {ok} [1] ~€');
    expect(msg.from).toBe('Acme');
    expect(msg.params).toMatchObject({ api_id: smsru.apiId, to: '79251234567', json: '1' });
  });

  it('sends Cyrillic and emoji intact, the segments joined', async () => {
    const text = `${CYRILLIC_EMOJI}\n${CYRILLIC_EMOJI}`;
    const result = await provider.send({ to: '+79251234567', encoded: encoded(text, 'ucs2', 5), reference: 'r' });
    const msg = await smsru.waitFor();
    expect(result.providerMessageIds).toEqual([msg.smsId]);
    expect(msg.text).toBe(text);
  });

  it('sends no from when the channel has no sender name', async () => {
    const p = createSmsRuProvider({ channelId: 'x', sender: '', baseUrl: smsru.baseUrl, credentials: { apiId: smsru.apiId } });
    await send('hi', '+79251234567', p);
    expect((await smsru.waitFor()).from).toBeUndefined();
  });

  describe('errors', () => {
    it('a number without a route is permanent 202 with status_text', async () => {
      const err = await sendError(send('hi', '+7925'));
      expect(err).toMatchObject({ kind: 'permanent', code: '202' });
      expect(err.message).toContain('Неправильно указан номер');
    });

    it.each([
      [207, 'permanent'],
      [209, 'permanent'],
      [230, 'transient'],
      [231, 'transient'],
    ])('a per-number %i is %s', async (code, kind) => {
      smsru.rejectNumber('+79990001122', code);
      const err = await sendError(send('hi', '+79990001122'));
      expect(err).toMatchObject({ kind, code: String(code) });
      expect(smsru.messages).toEqual([]);
    });

    it.each([
      [{ statusCode: 220 }, 'transient', '220'],
      [{ statusCode: 201 }, 'permanent', '201'],
      [{ statusCode: 500 }, 'transient', '500'],
      [{ httpStatus: 503 }, 'transient', 'http-503'],
      [{ httpStatus: 200, body: 'not json' }, 'permanent', 'bad-response'],
    ])('%j is %s %s', async (fault, kind, code) => {
      smsru.failNext(fault);
      expect(await sendError(send())).toMatchObject({ kind, code });
    });

    it('a wrong api_id is permanent 200', async () => {
      const wrong = createSmsRuProvider({ channelId: 'x', sender: 'Acme', baseUrl: smsru.baseUrl, credentials: { apiId: 'WRONG' } });
      const err = await sendError(send('hi', '+79251234567', wrong));
      expect(err).toMatchObject({ kind: 'permanent', code: '200' });
      expect(err.message).toContain('Неправильный api_id');
    });

    it('a cut connection or a refused one is transient', async () => {
      smsru.dropNextConnection();
      expect(await sendError(send())).toMatchObject({ kind: 'transient' });
      const down = createSmsRuProvider({ channelId: 'x', sender: 'Acme', baseUrl: `http://127.0.0.1:${await closedPort()}`, credentials: { apiId: 'x' } });
      expect(await sendError(send('hi', '+79251234567', down))).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
    });
  });

  describe('callbacks', () => {
    it('a status is verified, parsed into a receipt and answered "100"', async () => {
      const { providerMessageIds } = await send();
      const at = new Date('2024-05-01T10:00:00Z');
      const answer = await smsru.sendStatus(callbackUrl(), providerMessageIds[0], 103, { at });
      expect(answer).toMatchObject({ status: 200, body: '100' });
      expect(answer.contentType).toContain('text/plain');
      expect(receiver.last()).toMatchObject({ verified: true, content: { inbound: [], receipts: [{ providerMessageId: providerMessageIds[0], status: 'delivered', at }] } });
    });

    it.each([
      ['urlencoded', 'data[]'],
      ['urlencoded', 'data[N]'],
      ['multipart', 'data[]'],
      ['multipart', 'data[N]'],
    ] as const)('several data entries in one call (%s, %s) give receipts and inbound messages in order', async (encoding, fieldNames) => {
      const at = new Date('2024-05-01T10:00:00Z');
      const entries = [
        statusEntry('100001-1', 102, at),
        statusEntry('100001-2', 103, at),
        statusEntry('100001-3', 104, at),
        statusEntry('100001-4', 150, at),
        'callcheck_status\n201737-542\n401\n1714557600',
        inboundEntry('100001-5', '79251234567', 'Спасибо! 🙏\nвсё работает', at),
      ];
      const answer = await smsru.sendCallback(callbackUrl(), entries, { encoding, fieldNames });
      expect(answer).toMatchObject({ status: 200, body: '100' });
      const call = receiver.last();
      expect(call.verified).toBe(true);
      expect(call.content?.receipts.map((r) => [r.providerMessageId, r.status, r.error])).toEqual([
        ['100001-1', 'sent', undefined],
        ['100001-2', 'delivered', undefined],
        ['100001-3', 'failed', '104 cannot be delivered: lifetime expired'],
        ['100001-4', 'failed', '150 cannot be delivered: no route to this number'],
      ]);
      expect(call.content?.inbound).toEqual([{ providerMessageId: '100001-5', from: '+79251234567', to: 'Acme', text: 'Спасибо! 🙏\nвсё работает', receivedAt: at }]);
    });

    it('an incoming message is parsed with its text intact', async () => {
      const answer = await smsru.sendInbound(callbackUrl(), '79251234567', CYRILLIC_EMOJI);
      expect(answer).toMatchObject({ status: 200, body: '100' });
      expect(receiver.last().content?.inbound).toEqual([expect.objectContaining({ providerMessageId: answer.smsId, from: '+79251234567', text: CYRILLIC_EMOJI })]);
    });

    it('an empty call (SMS.ru testing the URL) is answered "100"', async () => {
      expect(await smsru.sendCallback(callbackUrl(), [])).toMatchObject({ status: 200, body: '100' });
      expect(receiver.last()).toMatchObject({ verified: true, content: { inbound: [], receipts: [] } });
    });
  });

  describe('callback verification', () => {
    const entries = [statusEntry('100001-1', 103)];

    it('accepts the right secret with the right hash, or with no hash', async () => {
      expect((await smsru.sendCallback(callbackUrl(), entries)).body).toBe('100');
      expect((await smsru.sendCallback(callbackUrl(), entries, { hash: null })).body).toBe('100');
      expect(receiver.calls.slice(-2).map((c) => c.verified)).toEqual([true, true]);
    });

    it('refuses a wrong or missing secret in the URL', async () => {
      const base = `${receiver.base}/webhooks/sms/smsru/ch-smsru`;
      expect((await smsru.sendCallback(`${base}/${SECRET.slice(0, -1)}0`, entries)).status).toBe(403);
      expect((await smsru.sendCallback(`${base}/${SECRET}x`, entries)).status).toBe(403);
      expect((await smsru.sendCallback(base, entries)).status).toBe(403);
      expect(receiver.calls.slice(-3).map((c) => c.verified)).toEqual([false, false, false]);
    });

    it('refuses a wrong hash (another api_id, or entries changed)', async () => {
      expect((await smsru.sendCallback(callbackUrl(), entries, { hash: smsRuCallbackHash('ANOTHER', entries) })).status).toBe(403);
      expect((await smsru.sendCallback(callbackUrl(), entries, { hash: smsRuCallbackHash(smsru.apiId, [statusEntry('100001-1', 104)]) })).status).toBe(403);
      expect((await smsru.sendCallback(callbackUrl(), entries, { hash: 'deadbeef' })).status).toBe(403);
    });

    it('accepts a hash over LF entries that arrive with CRLF line breaks', () => {
      const crlf = entries.map((e) => e.replace(/\n/g, '\r\n'));
      const req: WebhookRequest = { url: callbackUrl(), headers: {}, params: { 'data[]': crlf, hash: smsRuCallbackHash(smsru.apiId, entries).toUpperCase() } };
      expect(provider.verifyWebhook(req)).toBe(true);
      expect(provider.parseWebhook(req).receipts).toEqual([expect.objectContaining({ providerMessageId: '100001-1', status: 'delivered' })]);
    });

    it('refuses everything when the channel has no webhook secret', async () => {
      const noSecret = createSmsRuProvider({ channelId: 'x', sender: 'Acme', baseUrl: smsru.baseUrl, credentials: { apiId: smsru.apiId } });
      const req: WebhookRequest = { url: callbackUrl(), headers: {}, params: { 'data[]': entries, hash: smsRuCallbackHash(smsru.apiId, entries) } };
      expect(noSecret.verifyWebhook(req)).toBe(false);
      expect(provider.verifyWebhook(req)).toBe(true);
    });
  });
});
