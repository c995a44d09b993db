/**
 * The Telegram Bot API emulator the Telegram channel's tests run against
 * (test/support/telegram), driven by telegraf itself as the service drives the real API. These
 * tests pin down the wire behaviour the channel's tests rely on: long polling and offsets,
 * webhooks, HTML checks, uploads and downloads, errors (429, 403, 401) and flood control.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Input, Telegraf, Telegram, TelegramError } from 'telegraf';
import { startBotApiEmulator, samplePng, type BotApiEmulator, type EmulatedBot } from '../support/telegram/bot-api-emulator.js';

/** The TelegramError a call failed with (fails the test if it succeeded or failed otherwise). */
async function telegramError(call: Promise<unknown>): Promise<TelegramError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof TelegramError) return err;
  throw new Error(`expected a TelegramError, got ${err === undefined ? 'success' : err instanceof Error ? `${err.name}: ${err.message}` : JSON.stringify(err)}`);
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A webhook endpoint on loopback: records each POST and answers with `answer(n)` (default 200 `{}`). */
async function startWebhookServer(answer: (n: number, body: any) => { status: number; json?: unknown } = () => ({ status: 200 })) {
  const received: Received[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { status, json } = answer(++attempts, body);
      if (status >= 200 && status < 300) received.push({ headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/hook`;
  return {
    url,
    received,
    get attempts() {
      return attempts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('Telegram Bot API emulator', () => {
  let tg: BotApiEmulator;
  let bot: EmulatedBot;
  let telegram: Telegram;
  const cleanups: Array<() => unknown> = [];

  beforeEach(async () => {
    tg = await startBotApiEmulator({ webhookRetry: { initialMs: 20, maxMs: 100 } });
    bot = tg.createBot({ username: 'acme_support_bot', name: 'ACME Support' });
    telegram = new Telegram(bot.token, { apiRoot: tg.apiRoot });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await tg.close();
  });

  it('answers getMe, 404 for unknown methods and 401 for unknown tokens', async () => {
    expect(bot.token).toMatch(/^\d+:[A-Za-z0-9_-]{35}$/);
    expect(bot.token.startsWith(`${bot.id}:`)).toBe(true);
    const me = await telegram.getMe();
    expect(me).toMatchObject({ id: bot.id, is_bot: true, first_name: 'ACME Support', username: 'acme_support_bot' });

    const unknownMethod = await fetch(`${tg.apiRoot}/bot${bot.token}/sendTelepathy`, { method: 'POST' });
    expect(unknownMethod.status).toBe(404);
    expect(await unknownMethod.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });

    const stranger = new Telegram(`${bot.id}:AAnotTheRightTokenAtAllxxxxxxxxxxxxx`, { apiRoot: tg.apiRoot });
    const err = await telegramError(stranger.getMe());
    expect(err.code).toBe(401);
    expect(err.description).toBe('Unauthorized');

    // Method names are case-insensitive, and GET with a query string works too.
    const res = await fetch(`${tg.apiRoot}/bot${bot.token}/GETME`);
    expect(await res.json()).toMatchObject({ ok: true, result: { id: bot.id } });
    expect(tg.calls(bot.token).map((c) => [c.method, c.status])).toEqual([
      ['getMe', 200],
      ['sendTelepathy', 404],
      ['getMe', 200],
    ]);
  });

  it("holds getUpdates until a user's message arrives and drops updates confirmed by offset", async () => {
    const alice = tg.user(bot.token, { id: 5001, firstName: 'Alice', username: 'alice', languageCode: 'de' });
    const started = Date.now();
    const poll = telegram.getUpdates(20, 100, 0, []);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { update, message } = alice.sendText('My printer is on fire');
    const updates = await poll;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(updates).toEqual([update]);
    expect(update.message).toEqual(message);
    expect(message).toMatchObject({
      message_id: 1,
      from: { id: 5001, is_bot: false, first_name: 'Alice', username: 'alice', language_code: 'de' },
      chat: { id: 5001, type: 'private', first_name: 'Alice', username: 'alice' },
      text: 'My printer is on fire',
    });

    // Not confirmed yet: the next poll returns it again, with the command that followed.
    const command = alice.sendCommand('/start');
    expect(command.update.update_id).toBe(update.update_id + 1);
    expect(command.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect((await telegram.getUpdates(0, 100, 0, [])).map((u) => u.update_id)).toEqual([update.update_id, command.update.update_id]);
    // offset confirms what came before it.
    expect(await telegram.getUpdates(0, 100, command.update.update_id, [])).toEqual([command.update]);
    expect(await telegram.getUpdates(0, 100, command.update.update_id + 1, [])).toEqual([]);
    expect(tg.pendingUpdates(bot.token)).toEqual([]);

    // A poll with nothing to return ends after its timeout with [].
    const quiet = Date.now();
    expect(await telegram.getUpdates(1, 100, command.update.update_id + 1, [])).toEqual([]);
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(900);
  });

  it('lets a telegraf bot answer over long polling, and a second poller gets 409', async () => {
    const app = new Telegraf(bot.token, { telegram: { apiRoot: tg.apiRoot } });
    app.start((ctx) => ctx.reply(`Hello, ${ctx.from.first_name}! Write your question.`));
    app.on('text', (ctx) => ctx.reply(`Got it: <b>${ctx.message.text}</b>`, { parse_mode: 'HTML' }));
    const running = app.launch({ dropPendingUpdates: true });
    cleanups.push(async () => {
      try {
        app.stop();
      } catch {
        // already stopped
      }
      await running.catch(() => undefined);
    });

    // launch() drops pending updates before it polls; write once it does.
    await tg.waitForCall(bot.token, 'getUpdates');
    const bob = tg.user(bot.token, { firstName: 'Bob' });
    bob.sendCommand('/start');
    const hello = await tg.waitForMessage(bob.id, (m) => m.plainText.startsWith('Hello'));
    expect(hello.plainText).toBe('Hello, Bob! Write your question.');
    bob.sendText('Where is my order?');
    const ack = await tg.waitForMessage(bob.id, (m) => m.plainText.startsWith('Got it'));
    expect(ack).toMatchObject({ kind: 'text', text: 'Got it: <b>Where is my order?</b>', plainText: 'Got it: Where is my order?', parseMode: 'HTML' });
    expect(ack.entities).toEqual([{ type: 'bold', offset: 8, length: 18 }]);
    await tg.waitForIdle(bot.token);

    // The real server ends the older of two concurrent polls with a 409.
    expect(await telegram.getUpdates(0, 100, 0, [])).toEqual([]);
    const err = await telegramError(running);
    expect(err.code).toBe(409);
    expect(err.description).toBe('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
  });

  it('delivers updates to a webhook with the secret header, in order, retrying failures', async () => {
    const hook = await startWebhookServer((n) => ({ status: n <= 2 ? 500 : 200 }));
    cleanups.push(hook.close);
    expect(await telegram.setWebhook(hook.url, { secret_token: 'hook-secret_1' })).toBe(true);
    expect(tg.webhookStatus(bot.token).url).toBe(hook.url);

    const carol = tg.user(bot.token, { id: 7001, firstName: 'Carol' });
    const first = carol.sendText('first');
    const second = carol.sendText('second');
    await tg.waitForIdle(bot.token);
    expect(hook.received.map((r) => r.body)).toEqual([first.update, second.update]);
    expect(hook.received.every((r) => r.headers['x-telegram-bot-api-secret-token'] === 'hook-secret_1')).toBe(true);
    expect(hook.received[0].headers['content-type']).toBe('application/json');
    expect(tg.webhookStatus(bot.token)).toMatchObject({ pending: 0, delivered: 2, failedAttempts: 2, lastError: 'Wrong response from the webhook: 500 Internal Server Error' });
    const info = await telegram.getWebhookInfo();
    expect(info).toMatchObject({ url: hook.url, pending_update_count: 0, last_error_message: 'Wrong response from the webhook: 500 Internal Server Error' });

    // Dropped deliveries are retried too.
    tg.dropWebhookDeliveries(2);
    const third = carol.sendText('third');
    await tg.waitForIdle(bot.token);
    expect(hook.received.at(-1)?.body).toEqual(third.update);
    expect(tg.webhookStatus(bot.token)).toMatchObject({ delivered: 3, failedAttempts: 4, lastError: 'Connection refused' });

    // While a webhook is set, getUpdates is a conflict.
    const conflict = await telegramError(telegram.getUpdates(0, 100, 0, []));
    expect(conflict.code).toBe(409);
    expect(conflict.description).toBe("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");

    // Only loopback webhooks.
    const refused = await telegramError(telegram.setWebhook('https://hooks.example.com/telegram'));
    expect(refused.code).toBe(400);
    expect(refused.description).toMatch(/^Bad Request: bad webhook: /);

    expect(await telegram.deleteWebhook()).toBe(true);
    const fourth = carol.sendText('fourth');
    expect(await telegram.getUpdates(0, 100, 0, [])).toEqual([fourth.update]);
  });

  it('accepts valid HTML and rejects what the real server rejects', async () => {
    const dave = tg.user(bot.token, { id: 8001, firstName: 'Dave' });
    dave.sendCommand('/start');
    const sent = await telegram.sendMessage(dave.id, '<b>Ticket #42</b> &lt;open&gt; <a href="https://help.example.com/t/42">view</a>\n<pre><code class="language-js">x &amp;&amp; y</code></pre>', {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Close', callback_data: 'close:42' }]] },
    });
    expect(sent.text).toBe('Ticket #42 <open> view\nx && y');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 10 },
      { type: 'text_link', offset: 18, length: 4, url: 'https://help.example.com/t/42' },
      { type: 'pre', offset: 23, length: 6, language: 'js' },
    ]);
    expect(sent.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Close', callback_data: 'close:42' }]] });
    const [recorded] = tg.messagesTo(dave.id);
    expect(recorded).toMatchObject({ messageId: sent.message_id, kind: 'text', parseMode: 'HTML', plainText: sent.text });

    const cases: Array<[string, string]> = [
      ['Line one<br>Line two', `Unsupported start tag "br" at byte offset 8`],
      ['1 < 2', 'Unsupported start tag "" at byte offset 2'],
      ['<b>bold <i>both</b></i>', 'Unmatched end tag at byte offset 15, expected "</i>", found "</b>"'],
      ['<b>never closed', `Can't find end tag corresponding to start tag "b"`],
      ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
      ['Grüße <p>x</p>', 'Unsupported start tag "p" at byte offset 8'],
    ];
    for (const [html, why] of cases) {
      const err = await telegramError(telegram.sendMessage(dave.id, html, { parse_mode: 'HTML' }));
      expect([err.code, err.description]).toEqual([400, `Bad Request: can't parse entities: ${why}`]);
    }
    // 4096 characters after parsing: markup does not count, entities count as one character.
    await telegram.sendMessage(dave.id, `<b>${'&amp;'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    const tooLong = await telegramError(telegram.sendMessage(dave.id, 'x'.repeat(4097)));
    expect(tooLong.description).toBe('Bad Request: message is too long');
    const empty = await telegramError(telegram.sendMessage(dave.id, '<b> </b>', { parse_mode: 'HTML' }));
    expect(empty.description).toBe('Bad Request: message text is empty');
    const badButton = await telegramError(telegram.sendMessage(dave.id, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'y'.repeat(65) }]] } }));
    expect(badButton.description).toBe('Bad Request: BUTTON_DATA_INVALID');

    // A reply keyboard asking for the phone number, and the user sharing it.
    await telegram.sendMessage(dave.id, 'Share your phone?', { reply_markup: { keyboard: [[{ text: 'Share phone', request_contact: true }]], one_time_keyboard: true } });
    expect(tg.messagesTo(dave.id).at(-1)?.replyMarkup).toEqual({ keyboard: [[{ text: 'Share phone', request_contact: true }]], one_time_keyboard: true });
    const { message } = dave.shareContact('+491701234567');
    expect(message.contact).toEqual({ phone_number: '+491701234567', first_name: 'Dave', user_id: 8001 });

    // A user who never wrote to the bot cannot be written to.
    const stranger = tg.user(bot.token, { id: 8002, firstName: 'Eve' });
    const notFound = await telegramError(telegram.sendMessage(stranger.id, 'hi'));
    expect([notFound.code, notFound.description]).toEqual([400, 'Bad Request: chat not found']);
  });

  it('records uploads from Input.fromBuffer and serves them back by file_id', async () => {
    const erin = tg.user(bot.token, { id: 9001, firstName: 'Erin', started: true });
    const png = samplePng(640, 480);
    const photo = await telegram.sendPhoto(erin.id, Input.fromBuffer(png, 'screenshot.png'), { caption: '<i>Your screenshot</i>', parse_mode: 'HTML' });
    expect(photo.caption).toBe('Your screenshot');
    expect(photo.caption_entities).toEqual([{ type: 'italic', offset: 0, length: 15 }]);
    expect(photo.photo.at(-1)).toMatchObject({ width: 640, height: 480, file_size: png.length });
    expect(photo.photo.map((p) => Math.max(p.width, p.height))).toEqual([90, 320, 640]);

    const pdf = Buffer.from('%PDF-1.4\n% a tiny invoice\n%%EOF\n');
    const doc = await telegram.sendDocument(erin.id, Input.fromBuffer(pdf, 'Invoice 2024-07.pdf'), {
      caption: 'Invoice',
      reply_markup: { inline_keyboard: [[{ text: 'Paid', callback_data: 'paid' }]] },
    });
    expect(doc.document).toMatchObject({ file_name: 'Invoice 2024-07.pdf', mime_type: 'application/pdf', file_size: pdf.length });

    const [sentPhoto, sentDoc] = tg.messagesTo(erin.id);
    expect(sentPhoto).toMatchObject({ kind: 'photo', text: '<i>Your screenshot</i>', plainText: 'Your screenshot', file: { fileName: 'screenshot.png', mimeType: 'image/png' } });
    expect(sentPhoto.file?.bytes.equals(png)).toBe(true);
    expect(sentDoc).toMatchObject({ kind: 'document', file: { fileName: 'Invoice 2024-07.pdf', mimeType: 'application/pdf' }, replyMarkup: { inline_keyboard: [[{ text: 'Paid', callback_data: 'paid' }]] } });
    expect(sentDoc.file?.bytes.equals(pdf)).toBe(true);
    const [upload] = tg.calls(bot.token, 'sendDocument')[0].files;
    expect(upload).toMatchObject({ field: 'document', fileName: 'Invoice 2024-07.pdf' });

    // Sending again by file_id needs no upload; a photo's id is no document.
    const again = await telegram.sendDocument(erin.id, doc.document.file_id);
    expect(again.document.file_unique_id).toBe(doc.document.file_unique_id);
    expect(tg.messagesTo(erin.id).at(-1)?.file?.bytes.equals(pdf)).toBe(true);
    const wrongType = await telegramError(telegram.sendDocument(erin.id, photo.photo.at(-1)!.file_id));
    expect(wrongType.description).toBe("Bad Request: can't use file of type Photo as Document");
    const notAnImage = await telegramError(telegram.sendPhoto(erin.id, Input.fromBuffer(pdf, 'invoice.jpg')));
    expect(notAnImage.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
  });

  it("lets the bot download a photo the user sent (largest size) via getFile", async () => {
    const frank = tg.user(bot.token, { id: 9101, firstName: 'Frank' });
    const png = samplePng(1600, 1200);
    const { message } = frank.sendPhoto(png, { caption: 'broken screen' });
    const sizes = message.photo!;
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.at(-1)).toMatchObject({ width: 1600, height: 1200, file_size: png.length });
    expect(message.caption).toBe('broken screen');

    const file = await telegram.getFile(sizes.at(-1)!.file_id);
    expect(file).toMatchObject({ file_id: sizes.at(-1)!.file_id, file_unique_id: sizes.at(-1)!.file_unique_id, file_size: png.length });
    expect(file.file_path).toMatch(/^photos\/file_\d+\.png$/);
    const link = await telegram.getFileLink(file);
    expect(link.href).toBe(`${tg.apiRoot}/file/bot${bot.token}/${file.file_path}`);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    // A smaller size is another file.
    const small = await fetch(await telegram.getFileLink(sizes[0].file_id));
    expect(Buffer.from(await small.arrayBuffer()).equals(png)).toBe(false);

    const { message: docMessage } = frank.sendDocument(Buffer.from('name,qty\nwidget,2\n'), { fileName: 'order.csv' });
    expect(docMessage.document).toMatchObject({ file_name: 'order.csv', mime_type: 'text/csv' });
    const big = frank.sendDocument(Buffer.alloc(20 * 1024 * 1024 + 1), { fileName: 'dump.bin' });
    const tooBig = await telegramError(telegram.getFile(big.message.document!.file_id));
    expect([tooBig.code, tooBig.description]).toEqual([400, 'Bad Request: file is too big']);
    const unknown = await telegramError(telegram.getFile('AgACAgIAAxkBAAIunknown'));
    expect(unknown.code).toBe(400);
    const otherBot = tg.createBot();
    const foreign = await telegramError(new Telegram(otherBot.token, { apiRoot: tg.apiRoot }).getFile(file.file_id));
    expect(foreign.description).toBe('Bad Request: invalid file_id');
  });

  it('injects 429 with retry_after, 5xx and cut connections', async () => {
    const gina = tg.user(bot.token, { id: 9201, firstName: 'Gina', started: true });
    tg.failNext('sendMessage', { code: 429, retryAfter: 3 });
    const limited = await telegramError(telegram.sendMessage(gina.id, 'hello'));
    expect(limited.code).toBe(429);
    expect(limited.description).toBe('Too Many Requests: retry after 3');
    expect(limited.parameters).toEqual({ retry_after: 3 });
    expect(tg.messagesTo(gina.id)).toEqual([]);

    tg.failNext('sendMessage', { code: 500 });
    expect((await telegramError(telegram.sendMessage(gina.id, 'hello'))).code).toBe(500);

    // The message is sent, but the answer never arrives: the duplicate-send case.
    tg.failNext('sendmessage', { disconnect: 'after' });
    await expect(telegram.sendMessage(gina.id, 'hello')).rejects.toThrow();
    expect(tg.messagesTo(gina.id).map((m) => m.plainText)).toEqual(['hello']);

    await telegram.sendMessage(gina.id, 'hello again');
    expect(tg.calls(bot.token, 'sendMessage').map((c) => c.status)).toEqual([429, 500, 0, 200]);
  });

  it('answers 403 for users who blocked the bot or deleted their account', async () => {
    const hank = tg.user(bot.token, { id: 9301, firstName: 'Hank' });
    hank.sendText('hi');
    await telegram.sendMessage(hank.id, 'Hello!');
    const { update } = hank.block();
    expect(update.my_chat_member).toMatchObject({ old_chat_member: { status: 'member' }, new_chat_member: { status: 'kicked', user: { id: bot.id } } });
    const blocked = await telegramError(telegram.sendMessage(hank.id, 'Are you there?'));
    expect([blocked.code, blocked.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
    expect(() => hank.sendText('let me write')).toThrow(/unblock/);

    expect(hank.unblock().update.my_chat_member?.new_chat_member.status).toBe('member');
    await telegram.sendMessage(hank.id, 'Welcome back');

    hank.deactivate();
    const gone = await telegramError(telegram.sendMessage(hank.id, 'Anyone?'));
    expect([gone.code, gone.description]).toEqual([403, 'Forbidden: user is deactivated']);
  });

  it('turns button presses into callback queries that answerCallbackQuery answers', async () => {
    const iris = tg.user(bot.token, { id: 9401, firstName: 'Iris' });
    iris.sendCommand('/start');
    const sent = await telegram.sendMessage(iris.id, 'Was this helpful?', {
      reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'rate:yes' }, { text: 'No', callback_data: 'rate:no' }]] },
    });
    const [botMessage] = tg.messagesTo(iris.id);
    const { update, callbackQuery } = iris.pressButton(botMessage, 'rate:yes');
    expect(update.callback_query).toEqual(callbackQuery);
    expect(callbackQuery).toMatchObject({ from: { id: 9401 }, data: 'rate:yes', message: { message_id: sent.message_id, text: 'Was this helpful?' } });
    expect(() => iris.pressButton(botMessage, 'rate:maybe')).toThrow(/no button/);

    expect(await telegram.answerCbQuery(callbackQuery.id, 'Thanks!')).toBe(true);
    expect(await tg.waitForCallbackAnswer(callbackQuery.id)).toMatchObject({ text: 'Thanks!', showAlert: false });
    const twice = await telegramError(telegram.answerCbQuery(callbackQuery.id));
    expect(twice.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');

    // Editing the text without reply_markup drops the keyboard, as on the real server.
    await telegram.editMessageText(iris.id, sent.message_id, undefined, 'Thanks for rating!');
    expect(botMessage).toMatchObject({ plainText: 'Thanks for rating!', replyMarkup: undefined, history: [{ plainText: 'Was this helpful?' }] });
    expect(botMessage.editedAt).toBeInstanceOf(Date);
    expect(() => iris.pressButton(botMessage, 'rate:no')).toThrow(/no button/);
    const same = await telegramError(telegram.editMessageText(iris.id, sent.message_id, undefined, 'Thanks for rating!'));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);

    await telegram.editMessageReplyMarkup(iris.id, sent.message_id, undefined, { inline_keyboard: [[{ text: 'Reopen', callback_data: 'reopen' }]] });
    expect(botMessage.message.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Reopen', callback_data: 'reopen' }]] });
    expect(iris.pressButton(botMessage, 'reopen').callbackQuery.message?.text).toBe('Thanks for rating!');
  });

  it('executes answers a telegraf webhook gives in its HTTP response (webhookReply)', async () => {
    const app = new Telegraf(bot.token, { telegram: { apiRoot: tg.apiRoot } });
    app.on('callback_query', (ctx) => ctx.answerCbQuery('Noted'));
    const handler = app.webhookCallback('/telegram/hook', { secretToken: 'webhook-secret' });
    const server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await telegram.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/hook`, { secret_token: 'webhook-secret' });

    const jack = tg.user(bot.token, { id: 9501, firstName: 'Jack', started: true });
    await telegram.sendMessage(jack.id, 'Close the ticket?', { reply_markup: { inline_keyboard: [[{ text: 'Close', callback_data: 'close' }]] } });
    const { callbackQuery } = jack.pressButton(tg.messagesTo(jack.id)[0], 'close');
    expect(await tg.waitForCallbackAnswer(callbackQuery.id)).toMatchObject({ text: 'Noted' });
    expect(tg.calls(bot.token, 'answerCallbackQuery')).toEqual([expect.objectContaining({ status: 200, viaWebhookReply: true })]);
  });

  it('produces voice, video, sticker, location and album messages with downloadable files', async () => {
    const lena = tg.user(bot.token, { id: 9651, firstName: 'Lena' });
    const ogg = Buffer.from('OggS fake voice');
    const { message: voice } = lena.sendVoice(ogg, { duration: 7 });
    expect(voice.voice).toMatchObject({ duration: 7, mime_type: 'audio/ogg', file_size: ogg.length });
    const voiceFile = await telegram.getFile(voice.voice!.file_id);
    expect(voiceFile.file_path).toMatch(/^voice\/file_\d+\.oga$/);
    expect(Buffer.from(await (await fetch(await telegram.getFileLink(voiceFile))).arrayBuffer()).equals(ogg)).toBe(true);

    expect(lena.sendVideo(Buffer.from('mp4'), { caption: 'the noise', duration: 12 }).message).toMatchObject({ video: { duration: 12, mime_type: 'video/mp4' }, caption: 'the noise' });
    expect(lena.sendSticker(Buffer.from('RIFF'), { emoji: '😡' }).message.sticker).toMatchObject({ type: 'regular', emoji: '😡' });
    expect(lena.sendLocation(52.52, 13.405).message.location).toEqual({ latitude: 52.52, longitude: 13.405 });
    const album = lena.sendAlbum([samplePng(), samplePng(32, 32)], { caption: 'two angles' });
    expect(album.map((r) => r.message.media_group_id)).toEqual([album[0].message.media_group_id, album[0].message.media_group_id]);
    expect(album.map((r) => r.message.caption)).toEqual(['two angles', undefined]);
    expect(tg.pendingUpdates(bot.token)).toHaveLength(6);
  });

  it('sends edited_message updates when a user edits a message', async () => {
    const kate = tg.user(bot.token, { id: 9601, firstName: 'Kate' });
    const { message } = kate.sendText('My ordr number is 123');
    const edited = kate.editMessage(message.message_id, 'My order number is 123');
    expect(edited.update.edited_message).toMatchObject({ message_id: message.message_id, text: 'My order number is 123', date: message.date });
    expect(edited.update.edited_message?.edit_date).toEqual(expect.any(Number));
    const updates = await telegram.getUpdates(0, 100, 0, []);
    expect(updates.map((u) => Object.keys(u).filter((k) => k !== 'update_id'))).toEqual([['message'], ['edited_message']]);
    expect((updates[0] as any).message.text).toBe('My ordr number is 123');
  });

  it('answers 401 once a token is revoked, also to a held poll', async () => {
    const poll = telegramError(telegram.getUpdates(30, 100, 0, []));
    await new Promise((resolve) => setTimeout(resolve, 100));
    tg.revokeBot(bot.token);
    expect((await poll).code).toBe(401);
    const err = await telegramError(telegram.getMe());
    expect([err.code, err.description]).toEqual([401, 'Unauthorized']);
  });

  it('ends held long polls when it closes', async () => {
    const poll = telegram.getUpdates(30, 100, 0, []);
    await tg.waitForCall(bot.token, 'getUpdates');
    const started = Date.now();
    await tg.close();
    expect(await poll).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
    await tg.close(); // idempotent
    await expect(telegram.getMe()).rejects.toThrow();
  });

  it('enforces flood limits when asked: 429 beyond them, none for a paced sender', async () => {
    tg.enforceRateLimits({ perChatPerSecond: 1, perBotPerSecond: 3 });
    const users = [9701, 9702, 9703, 9704].map((id) => tg.user(bot.token, { id, firstName: `U${id}`, started: true }));

    await telegram.sendMessage(users[0].id, 'one');
    const burst = await telegramError(telegram.sendMessage(users[0].id, 'two'));
    expect(burst.code).toBe(429);
    expect(burst.parameters?.retry_after).toBe(1);

    // Per bot: three sends to different chats within a second pass, the fourth does not.
    await telegram.sendMessage(users[1].id, 'a');
    await telegram.sendMessage(users[2].id, 'b');
    const botLimit = await telegramError(telegram.sendMessage(users[3].id, 'c'));
    expect(botLimit.description).toMatch(/^Too Many Requests: retry after \d+$/);

    // A sender waiting retry_after gets through.
    await new Promise((resolve) => setTimeout(resolve, burst.parameters!.retry_after! * 1000 + 50));
    await telegram.sendMessage(users[0].id, 'two, later');
    expect(tg.messagesTo(users[0].id).map((m) => m.plainText)).toEqual(['one', 'two, later']);

    tg.enforceRateLimits(false);
    await telegram.sendMessage(users[0].id, 'three');
    await telegram.sendMessage(users[0].id, 'four');
  });
});
