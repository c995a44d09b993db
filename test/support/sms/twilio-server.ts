/**
 * A Twilio Messages API for tests, on 127.0.0.1 (a free port), speaking the real wire format
 * (https://www.twilio.com/docs/messaging/api/message-resource): `POST {baseUrl}/2010-04-01/
 * Accounts/{AccountSid}/Messages.json`, form-encoded, HTTP basic auth AccountSid:AuthToken;
 * answers 201 with the Message resource as JSON, or `{ code, message, more_info, status }` with
 * that HTTP status. It plays Twilio's side of the webhooks too, signing each call with
 * X-Twilio-Signature as Twilio documents it (computed here independently of the provider):
 *
 *   const twilio = await startTwilioServer();          // random AC… sid and auth token
 *   ... provider settings: { baseUrl: twilio.baseUrl, credentials: twilio.credentials() } ...
 *   const msg = await twilio.waitFor((m) => m.to === '+15005550006');
 *   expect(msg.body).toBe('Hello'); expect(msg.numSegments).toBe(1);
 *   await twilio.deliver(msg.sid, 'delivered');           // status callback to msg.statusCallback
 *   await twilio.deliver(msg.sid, 'undelivered', 30003);  // … with ErrorCode
 *   const res = await twilio.sendInbound(url, { from: '+15551230000', to: '+15005550006', body: 'Hi' });
 *   expect(res.body).toContain('<Response');
 *   twilio.failNext({ status: 429, code: 20429, message: 'Too Many Requests' });
 *   twilio.dropNextConnection();                          // next API call: socket cut, no answer
 *   await twilio.close();
 *
 * Like the real API:
 * - A missing or wrong Authorization, or a path naming another account, is 401 code 20003.
 * - To is required (21604) and must be E.164 (21211); From or MessagingServiceSid is required
 *   (21603); Body is required (21602) and at most 1,600 characters (21617).
 * - Messages get SM… sids (34 characters); `status` is "queued" ("accepted" with a Messaging
 *   Service); `num_segments` counts GSM-7 (160/153 septets, extension characters count 2) or
 *   UCS-2 (70/67 UTF-16 units) segments, without splitting a character across two.
 * - Webhooks (status callbacks, inbound messages) go only to loopback URLs.
 * Not emulated: MMS media, scheduling, Messaging Service sender pools, other resources (404).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type TwilioMessageStatus = 'queued' | 'accepted' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  /** From as sent (undefined when a Messaging Service was named instead). */
  from: string | undefined;
  messagingServiceSid: string | undefined;
  body: string;
  statusCallback: string | undefined;
  numSegments: number;
  encoding: 'gsm7' | 'ucs2';
  status: TwilioMessageStatus;
  /** Every form field of the create call. */
  params: Record<string, string>;
  createdAt: Date;
}

export interface TwilioFault {
  /** HTTP status to answer with. */
  status: number;
  /** Twilio error code in the body (e.g. 20429, 21610, 30001). */
  code?: number;
  message?: string;
}

/** What a webhook target answered. */
export interface WebhookAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

export interface InboundInput {
  from: string;
  to: string;
  body: string;
  /** Defaults to the segments the body needs. */
  numSegments?: number;
  /** Extra or overriding form fields (e.g. NumMedia / MediaUrl0). */
  extra?: Record<string, string>;
}

export interface TwilioServerOptions {
  accountSid?: string;
  authToken?: string;
}

export interface RunningTwilio {
  /** Point the provider's `baseUrl` here. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** `{ accountSid, authToken }`, as ProviderSettings.credentials. */
  credentials(): { accountSid: string; authToken: string };
  /** Every message accepted so far, oldest first. */
  readonly messages: FakeTwilioMessage[];
  /** Every API call received (including refused ones), oldest first. */
  readonly calls: { method: string; path: string; status: number }[];
  /** Resolves with the first accepted message (already there or still to come) that matches. */
  waitFor(predicate?: (m: FakeTwilioMessage) => boolean, timeoutMs?: number): Promise<FakeTwilioMessage>;
  /** The next `count` (default 1) create calls are answered with this error instead. */
  failNext(fault: TwilioFault, count?: number): void;
  /** The next `count` (default 1) API calls get no answer: the connection is cut. */
  dropNextConnection(count?: number): void;
  /**
   * Moves a message to `status` and posts Twilio's status callback to its StatusCallback URL
   * (MessageSid, SmsSid, MessageStatus, SmsStatus, AccountSid, From, To, ApiVersion, and
   * ErrorCode when given), signed. Throws if the message has no StatusCallback.
   */
  deliver(sid: string, status: TwilioMessageStatus, errorCode?: number): Promise<WebhookAnswer>;
  /** Posts an incoming message to `url` as Twilio's messaging webhook does, signed; returns the answer and the new SM… sid. */
  sendInbound(url: string, input: InboundInput): Promise<WebhookAnswer & { sid: string }>;
  /** Posts any form to `url` (loopback only), with `signature` as X-Twilio-Signature (default: the right one; null: none). */
  postWebhook(url: string, params: Record<string, string>, signature?: string | null): Promise<WebhookAnswer>;
  /** X-Twilio-Signature for a call to `url` with these POST fields, with this server's auth token. */
  sign(url: string, params: Record<string, string>): string;
  clear(): void;
  /** Stops listening and cuts open connections. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Twilio's signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): the URL,
 * then each POST field sorted by name as name + value, HMAC-SHA1 with the auth token, base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

const HOST = '127.0.0.1';
const API_VERSION = '2010-04-01';
const E164 = /^\+[1-9]\d{1,14}$/;

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

/** Segments a text needs, as carriers count them (see the header comment). */
export function countSegments(text: string): { encoding: 'gsm7' | 'ucs2'; segments: number } {
  const chars = [...text];
  const gsm = chars.every((c) => GSM_BASIC.includes(c) || GSM_EXTENSION.includes(c));
  const sizes = chars.map((c) => (gsm ? (GSM_EXTENSION.includes(c) ? 2 : 1) : c.length));
  const total = sizes.reduce((a, b) => a + b, 0);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  if (total <= single) return { encoding: gsm ? 'gsm7' : 'ucs2', segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding: gsm ? 'gsm7' : 'ucs2', segments };
}

function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!(host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1')) {
    throw new Error(`the fake Twilio only calls loopback URLs, not ${url}`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function answerOf(res: Response): Promise<WebhookAnswer> {
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

export async function startTwilioServer(options: TwilioServerOptions = {}): Promise<RunningTwilio> {
  const accountSid = options.accountSid ?? newSid('AC');
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const messages: FakeTwilioMessage[] = [];
  const calls: RunningTwilio['calls'] = [];
  const faults: TwilioFault[] = [];
  let drops = 0;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, call: RunningTwilio['calls'][number], status: number, body: unknown): void => {
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, call: RunningTwilio['calls'][number], status: number, code: number, message: string): void =>
    send(res, call, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const authorized = (req: IncomingMessage, pathSid: string): boolean => {
    const auth = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)$/i.exec(auth);
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i > 0 && decoded.slice(0, i) === accountSid && decoded.slice(i + 1) === authToken && pathSid === accountSid;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    const call = { method: req.method ?? 'GET', path, status: 0 };
    calls.push(call);
    if (drops > 0) {
      drops--;
      call.status = -1;
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    const route = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (!route || req.method !== 'POST') {
      return error(res, call, 404, 20404, `The requested resource ${path} was not found`);
    }
    if (!authorized(req, decodeURIComponent(route[1]))) return error(res, call, 401, 20003, 'Authenticate');
    const fault = faults.shift();
    if (fault) return error(res, call, fault.status, fault.code ?? fault.status, fault.message ?? `injected fault ${fault.status}`);

    const params = Object.fromEntries(new URLSearchParams(raw));
    const to = params.To;
    if (!to) return error(res, call, 400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return error(res, call, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!params.From && !params.MessagingServiceSid) return error(res, call, 400, 21603, "A 'From' phone number is required.");
    const body = params.Body;
    if (!body) return error(res, call, 400, 21602, 'Message body is required.');
    if ([...body].length > 1600) return error(res, call, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');

    const { encoding, segments } = countSegments(body);
    const message: FakeTwilioMessage = {
      sid: newSid('SM'),
      accountSid,
      to,
      from: params.From,
      messagingServiceSid: params.MessagingServiceSid,
      body,
      statusCallback: params.StatusCallback,
      numSegments: segments,
      encoding,
      status: params.MessagingServiceSid ? 'accepted' : 'queued',
      params,
      createdAt: new Date(),
    };
    messages.push(message);
    const date = message.createdAt.toUTCString().replace('GMT', '+0000');
    send(res, call, 201, {
      account_sid: accountSid,
      api_version: API_VERSION,
      body,
      date_created: date,
      date_sent: null,
      date_updated: date,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: message.from ?? null,
      messaging_service_sid: message.messagingServiceSid ?? null,
      num_media: '0',
      num_segments: String(segments),
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${message.sid}/Media.json` },
      to,
      uri: `/${API_VERSION}/Accounts/${accountSid}/Messages/${message.sid}.json`,
    });
    events.emit('message', message);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20500, message: String(err), status: 500 }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const postWebhook = async (url: string, params: Record<string, string>, signature?: string | null): Promise<WebhookAnswer> => {
    assertLoopback(url);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'TwilioProxy/1.1',
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
    };
    const sig = signature === undefined ? twilioSignature(authToken, url, params) : signature;
    if (sig !== null) headers['x-twilio-signature'] = sig;
    const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    return answerOf(res);
  };

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${HOST}:${port}`,
    accountSid,
    authToken,
    credentials: () => ({ accountSid, authToken }),
    messages,
    calls,
    waitFor(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('message', listener);
          reject(new Error(`no matching message reached the fake Twilio within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        const listener = (m: FakeTwilioMessage): void => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off('message', listener);
          resolve(m);
        };
        events.on('message', listener);
      });
    },
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    dropNextConnection(count = 1) {
      drops += count;
    },
    async deliver(sid, status, errorCode) {
      const message = messages.find((m) => m.sid === sid);
      if (!message) throw new Error(`the fake Twilio has no message ${sid}`);
      if (!message.statusCallback) throw new Error(`message ${sid} was sent without a StatusCallback`);
      message.status = status;
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: API_VERSION,
        From: message.from ?? '',
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: message.to,
      };
      if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
      if (errorCode !== undefined) params.ErrorCode = String(errorCode);
      return postWebhook(message.statusCallback, params);
    },
    async sendInbound(url, input) {
      const sid = newSid('SM');
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: API_VERSION,
        Body: input.body,
        From: input.from,
        FromCountry: 'US',
        MessageSid: sid,
        NumMedia: '0',
        NumSegments: String(input.numSegments ?? countSegments(input.body).segments),
        SmsMessageSid: sid,
        SmsSid: sid,
        SmsStatus: 'received',
        To: input.to,
        ToCountry: 'US',
        ...input.extra,
      };
      return { ...(await postWebhook(url, params)), sid };
    },
    postWebhook,
    sign: (url, params) => twilioSignature(authToken, url, params),
    clear() {
      messages.length = 0;
      calls.length = 0;
      faults.length = 0;
      drops = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
