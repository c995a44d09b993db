/**
 * An SMS.ru API for tests, on 127.0.0.1 (a free port), speaking the real wire format
 * (https://sms.ru/api/send): `POST {baseUrl}/sms/send` with api_id, to (up to 100 numbers,
 * comma-separated), msg, from, json=1, form-encoded; answers HTTP 200 with
 * `{ status: "OK", status_code: 100, sms: { <number>: { status, status_code, sms_id | status_text } }, balance }`
 * or a request-wide `{ status: "ERROR", status_code, status_text }`. It plays SMS.ru's callbacks
 * too (https://sms.ru/api/cb): a POST of `data[]` entries plus `hash` = hex SHA-256 of api_id and
 * the entries, expecting the text "100" back.
 *
 *   const smsru = await startSmsRuServer();                    // random api_id
 *   ... provider settings: { baseUrl: smsru.baseUrl, credentials: { apiId: smsru.apiId } } ...
 *   const msg = await smsru.waitFor((m) => m.to === '79251234567');
 *   await smsru.sendStatus(callbackUrl, msg.smsId, 103);       // delivered
 *   await smsru.sendInbound(callbackUrl, '79251234567', 'Привет');
 *   await smsru.sendCallback(callbackUrl, [statusEntry(id1, 102), statusEntry(id2, 104)]);
 *   smsru.rejectNumber('79990000000', 207);                     // per-number error in the answer
 *   smsru.failNext({ statusCode: 220 });                        // request-wide error
 *   smsru.failNext({ httpStatus: 503 });                        // an HTTP error page
 *   smsru.dropNextConnection();                                 // connection cut, no answer
 *   await smsru.close();
 *
 * Like the real API: a wrong or missing api_id is status_code 200, GET is 210, an empty msg 203,
 * more than 100 numbers 213; a number that is not 10–15 digits (after dropping "+") is 202.
 * Ids look like SMS.ru's ("000000-1000001"). Callbacks go only to loopback URLs, form-encoded or
 * multipart (SMS.ru's own encoding is not documented; handlers should accept both), with the
 * entries named `data[]` or `data[0]`, `data[1]`, ….
 * Not emulated: the plain-text answer without json=1 (only its first line), costs, balance
 * changes, `time`/`ttl`/`translit`/`test`, and the other API methods (answered 211).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeSmsRuMessage {
  smsId: string;
  /** The number as SMS.ru keys it: digits only. */
  to: string;
  from: string | undefined;
  text: string;
  /** Every form field of the send call. */
  params: Record<string, string>;
  createdAt: Date;
}

export type SmsRuFault = { statusCode: number; statusText?: string } | { httpStatus: number; body?: string };

export interface CallbackAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

export interface CallbackOptions {
  /** The `hash` field: default the right one; a string sends that instead; null sends none. */
  hash?: string | null;
  /** Default 'urlencoded'. */
  encoding?: 'urlencoded' | 'multipart';
  /** How entries are named: 'data[]' (default) or 'data[N]' (data[0], data[1], …). */
  fieldNames?: 'data[]' | 'data[N]';
}

export interface SmsRuServerOptions {
  apiId?: string;
}

export interface RunningSmsRu {
  /** Point the provider's `baseUrl` here. */
  baseUrl: string;
  apiId: string;
  /** Every message accepted so far, oldest first. */
  readonly messages: FakeSmsRuMessage[];
  /** Every API call received, oldest first. */
  readonly calls: { method: string; path: string; statusCode: number | undefined }[];
  waitFor(predicate?: (m: FakeSmsRuMessage) => boolean, timeoutMs?: number): Promise<FakeSmsRuMessage>;
  /** Sends to this number (digits, "+" optional) are refused with `statusCode` in the per-number result until cleared. */
  rejectNumber(number: string, statusCode: number, statusText?: string): void;
  /** The next `count` (default 1) send calls are answered with this fault instead. */
  failNext(fault: SmsRuFault, count?: number): void;
  /** The next `count` (default 1) API calls get no answer: the connection is cut. */
  dropNextConnection(count?: number): void;
  /** One sms_status entry in a callback, signed. */
  sendStatus(callbackUrl: string, smsId: string, statusCode: number, options?: CallbackOptions & { at?: Date }): Promise<CallbackAnswer>;
  /** One sms_in entry (an incoming message) in a callback, signed; returns its id too. */
  sendInbound(callbackUrl: string, from: string, text: string, options?: CallbackOptions & { at?: Date; smsId?: string }): Promise<CallbackAnswer & { smsId: string }>;
  /** A callback with these entries (see statusEntry / inboundEntry). */
  sendCallback(callbackUrl: string, entries: string[], options?: CallbackOptions): Promise<CallbackAnswer>;
  clear(): void;
  close(): Promise<void>;
}

/** Texts SMS.ru gives its error codes. */
export const SMSRU_STATUS_TEXT: Record<number, string> = {
  200: 'Неправильный api_id',
  201: 'Не хватает средств на лицевом счету',
  202: 'Неправильно указан номер телефона получателя, либо на него нет маршрута',
  203: 'Нет текста сообщения',
  204: 'Имя отправителя не согласовано с администрацией',
  205: 'Сообщение слишком длинное (превышает 8 СМС)',
  206: 'Будет превышен или уже превышен дневной лимит на отправку сообщений',
  207: 'На этот номер нет маршрута для доставки сообщений',
  209: 'Вы добавили этот номер (или один из номеров) в стоп-лист',
  210: 'Используется GET, где необходимо использовать POST',
  211: 'Метод не найден',
  213: 'Указано более 100 номеров в списке получателей',
  220: 'Сервис временно недоступен, попробуйте чуть позже',
  230: 'Превышен общий лимит количества сообщений на этот номер в день',
  231: 'Превышен лимит одинаковых сообщений на этот номер в минуту',
  232: 'Превышен лимит одинаковых сообщений на этот номер в день',
  500: 'Ошибка на сервере. Повторите запрос.',
};

/** A `sms_status` callback entry. */
export function statusEntry(smsId: string, statusCode: number, at: Date = new Date()): string {
  return `sms_status\n${smsId}\n${statusCode}\n${Math.floor(at.getTime() / 1000)}`;
}

/** An `sms_in` callback entry (our documented reading of SMS.ru's incoming-message record; see the provider's SPEC.md). */
export function inboundEntry(smsId: string, from: string, text: string, at: Date = new Date()): string {
  return `sms_in\n${smsId}\n${from}\n${text}\n${Math.floor(at.getTime() / 1000)}`;
}

/** SMS.ru's callback hash: hex SHA-256 of the api_id followed by the entries. */
export function smsRuCallbackHash(apiId: string, entries: string[]): string {
  return createHash('sha256').update(apiId + entries.join(''), 'utf8').digest('hex');
}

const HOST = '127.0.0.1';

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!(host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1')) {
    throw new Error(`the fake SMS.ru only calls loopback URLs, not ${url}`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSmsRuServer(options: SmsRuServerOptions = {}): Promise<RunningSmsRu> {
  const apiId = options.apiId ?? randomBytes(18).toString('hex').toUpperCase();
  const messages: FakeSmsRuMessage[] = [];
  const calls: RunningSmsRu['calls'] = [];
  const rejected = new Map<string, { statusCode: number; statusText: string }>();
  const faults: SmsRuFault[] = [];
  let drops = 0;
  const prefix = String(randomInt(100000, 999999));
  let counter = 1000000;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sockets = new Set<Socket>();

  const json = (res: ServerResponse, call: RunningSmsRu['calls'][number], body: { status_code?: number } & Record<string, unknown>): void => {
    call.statusCode = body.status_code;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, call: RunningSmsRu['calls'][number], statusCode: number, statusText?: string): void =>
    json(res, call, { status: 'ERROR', status_code: statusCode, status_text: statusText ?? SMSRU_STATUS_TEXT[statusCode] ?? 'Ошибка' });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const call: RunningSmsRu['calls'][number] = { method: req.method ?? 'GET', path: url.pathname, statusCode: undefined };
    calls.push(call);
    if (drops > 0) {
      drops--;
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    if (url.pathname !== '/sms/send') return refuse(res, call, 211);
    if (req.method !== 'POST') return refuse(res, call, 210);
    const params = Object.fromEntries(new URLSearchParams(raw));
    if (params.api_id !== apiId) return refuse(res, call, 200);
    const fault = faults.shift();
    if (fault) {
      if ('httpStatus' in fault) {
        call.statusCode = undefined;
        res.writeHead(fault.httpStatus, { 'content-type': 'text/html' });
        res.end(fault.body ?? `<html><body>${fault.httpStatus}</body></html>`);
        return;
      }
      return refuse(res, call, fault.statusCode, fault.statusText);
    }
    const text = params.msg ?? '';
    if (!text) return refuse(res, call, 203);
    const numbers = (params.to ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    if (numbers.length === 0) return refuse(res, call, 202);
    if (numbers.length > 100) return refuse(res, call, 213);

    const sms: Record<string, unknown> = {};
    const accepted: FakeSmsRuMessage[] = [];
    for (const number of numbers) {
      const digits = number.replace(/^\+/, '');
      const refusal = rejected.get(digits);
      if (!/^\d{10,15}$/.test(digits)) {
        sms[number] = { status: 'ERROR', status_code: 202, status_text: SMSRU_STATUS_TEXT[202] };
      } else if (refusal) {
        sms[digits] = { status: 'ERROR', status_code: refusal.statusCode, status_text: refusal.statusText };
      } else {
        const smsId = `${prefix}-${++counter}`;
        sms[digits] = { status: 'OK', status_code: 100, sms_id: smsId };
        accepted.push({ smsId, to: digits, from: params.from, text, params, createdAt: new Date() });
      }
    }
    messages.push(...accepted);
    if (params.json === '1') json(res, call, { status: 'OK', status_code: 100, sms, balance: 4122.56 });
    else {
      call.statusCode = 100;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(['100', ...accepted.map((m) => m.smsId), 'balance=4122.56'].join('\n'));
    }
    for (const m of accepted) events.emit('message', m);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
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

  const sendCallback = async (callbackUrl: string, entries: string[], opts: CallbackOptions = {}): Promise<CallbackAnswer> => {
    assertLoopback(callbackUrl);
    const fields: [string, string][] = entries.map((e, i) => [opts.fieldNames === 'data[N]' ? `data[${i}]` : 'data[]', e]);
    const hash = opts.hash === undefined ? smsRuCallbackHash(apiId, entries) : opts.hash;
    if (hash !== null) fields.push(['hash', hash]);
    let body: string;
    let contentType: string;
    if (opts.encoding === 'multipart') {
      // Built by hand: FormData would turn the entries' "\n" into "\r\n" (the HTML form rules),
      // which SMS.ru does not do (its hash is over the entries as they are).
      const boundary = `----smsru${randomBytes(12).toString('hex')}`;
      body = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${boundary}--\r\n`;
      contentType = `multipart/form-data; boundary=${boundary}`;
    } else {
      body = new URLSearchParams(fields).toString();
      contentType = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(callbackUrl, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
  };

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${HOST}:${port}`,
    apiId,
    messages,
    calls,
    waitFor(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('message', listener);
          reject(new Error(`no matching message reached the fake SMS.ru within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        const listener = (m: FakeSmsRuMessage): void => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off('message', listener);
          resolve(m);
        };
        events.on('message', listener);
      });
    },
    rejectNumber(number, statusCode, statusText) {
      rejected.set(number.replace(/^\+/, ''), { statusCode, statusText: statusText ?? SMSRU_STATUS_TEXT[statusCode] ?? 'Ошибка' });
    },
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    dropNextConnection(count = 1) {
      drops += count;
    },
    sendStatus: (callbackUrl, smsId, statusCode, opts = {}) => sendCallback(callbackUrl, [statusEntry(smsId, statusCode, opts.at)], opts),
    async sendInbound(callbackUrl, from, text, opts = {}) {
      const smsId = opts.smsId ?? `${prefix}-${++counter}`;
      return { ...(await sendCallback(callbackUrl, [inboundEntry(smsId, from, text, opts.at)], opts)), smsId };
    },
    sendCallback,
    clear() {
      messages.length = 0;
      calls.length = 0;
      faults.length = 0;
      rejected.clear();
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
