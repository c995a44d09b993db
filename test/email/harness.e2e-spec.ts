/**
 * The mail servers the e-mail channel's tests run against (test/support/mail): a real Dovecot
 * for IMAP and an smtp-server sink for SMTP. These tests pin down the behaviour the channel's
 * tests rely on: delivery, IDLE, UIDVALIDITY changes, dropped connections, SMTP reply codes.
 */
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { startDovecot, type RunningDovecot } from '../support/mail/dovecot.js';
import { startSmtpSink, type RunningSink } from '../support/mail/smtp-sink.js';

const USER = 'support@example.test';

function rawMessage(subject: string, messageId: string, body = 'Hello from a customer.'): string {
  return [
    'From: Customer <customer@example.org>',
    `To: ${USER}`,
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Date: Mon, 03 Mar 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

/** Resolves when `client` emits `event`; rejects after `ms`. */
function nextEvent<T = unknown>(client: ImapFlow, event: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    client.once(event, (data: T) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

describe('Dovecot test server', () => {
  let imap: RunningDovecot;
  const clients: ImapFlow[] = [];
  /** A connected client, closed after the test. */
  const connect = async (user = USER, extra: Parameters<RunningDovecot['client']>[1] = {}) => {
    const client = imap.client(user, extra);
    client.on('error', () => undefined); // kicked / dropped connections are expected here
    clients.push(client);
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    imap = await startDovecot({ users: [{ user: USER, pass: 'support-password' }] });
  });
  afterEach(async () => {
    await Promise.all(
      clients.splice(0).map(async (c) => {
        if (c.usable) await c.logout().catch(() => c.close());
        else c.close();
      }),
    );
  });
  afterAll(() => imap?.stop());

  it('stores an appended message and serves it over IMAP', async () => {
    const { uid, uidValidity } = await imap.append(USER, 'INBOX', rawMessage('Printer on fire', '<fire-1@example.org>'), ['\\Flagged']);
    expect(uid).toBe(1);
    expect(typeof uidValidity).toBe('bigint');
    expect(await imap.list(USER, 'INBOX')).toEqual([{ uid: 1, flags: ['\\Flagged'], subject: 'Printer on fire', messageId: '<fire-1@example.org>' }]);
    expect(await imap.list(USER, 'No such folder')).toEqual([]);

    const client = await connect();
    const mailbox = await client.mailboxOpen('INBOX');
    expect(mailbox.uidValidity).toBe(uidValidity);
    expect(typeof mailbox.highestModseq).toBe('bigint');
    const message = await client.fetchOne('1', { source: true, uid: true }, { uid: true });
    if (!message || !message.source) throw new Error('FETCH returned nothing');
    const parsed = await simpleParser(message.source);
    expect(parsed.subject).toBe('Printer on fire');
    expect(parsed.text?.trim()).toBe('Hello from a customer.');

    await imap.append(USER, 'Archive/2025', rawMessage('Old one', '<old@example.org>'), ['\\Seen']);
    expect(await imap.folders(USER)).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Trash', 'Archive/2025']));
  });

  it('announces a new message to an idling client', async () => {
    const client = await connect(USER, { autoIdleDelay: 100 });
    const mailbox = await client.mailboxOpen('INBOX');
    const before = mailbox.exists;
    // Auto-IDLE starts once the connection has been quiet for autoIdleDelay (and no lock is held).
    for (const deadline = Date.now() + 5000; !client.idling && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(client.idling).toBe(true);
    const announced = nextEvent<{ count: number; prevCount: number }>(client, 'exists');
    await imap.append(USER, 'INBOX', rawMessage('New while idling', '<idle-1@example.org>'));
    const event = await announced;
    expect(event).toMatchObject({ count: before + 1, prevCount: before });
  });

  it('changes UIDVALIDITY, renumbering the messages as a rebuilt index would', async () => {
    const folder = 'Renumber';
    for (const n of [1, 2, 3]) await imap.append(USER, folder, rawMessage(`Message ${n}`, `<renumber-${n}@example.org>`), n === 3 ? ['\\Seen'] : []);
    const watcher = await connect();
    const { uidValidity: selected } = await watcher.mailboxOpen(folder);
    await watcher.messageDelete('1', { uid: true });
    const old = await imap.list(USER, folder);
    expect(old.map((m) => m.uid)).toEqual([2, 3]);

    const closed = nextEvent(watcher, 'close');
    const { before, after } = await imap.changeUidValidity(USER, folder);
    expect(before).toBe(selected);
    expect(after).not.toBe(before);
    // Open sessions are cut, so clients reconnect and find the new UIDVALIDITY.
    await closed;

    const fresh = await connect();
    expect((await fresh.mailboxOpen(folder)).uidValidity).toBe(after);
    expect(await imap.list(USER, folder)).toEqual([
      { uid: 1, flags: [], subject: 'Message 2', messageId: '<renumber-2@example.org>' },
      { uid: 2, flags: ['\\Seen'], subject: 'Message 3', messageId: '<renumber-3@example.org>' },
    ]);

    // Without renumbering only the value changes; an explicit value is taken as is.
    const kept = await imap.changeUidValidity(USER, folder, { renumber: false, uidValidity: 4242 });
    expect(kept).toEqual({ before: after, after: 4242n });
    expect((await imap.status(USER, folder)).uidValidity).toBe(4242n);
    expect((await imap.list(USER, folder)).map((m) => m.uid)).toEqual([1, 2]);
  });

  it("kicks a user's connections and no one else's", async () => {
    await imap.addUser('sales@example.test', 'sales-password');
    const support = await connect(USER);
    const sales = await connect('sales@example.test');
    await support.mailboxOpen('INBOX');
    await sales.mailboxOpen('INBOX');

    const closed = nextEvent(support, 'close');
    expect(await imap.kickConnections(USER)).toBe(1);
    await closed;
    expect(support.usable).toBe(false);
    await expect(support.status('INBOX', { messages: true })).rejects.toThrow();

    expect(await sales.status('INBOX', { messages: true })).toMatchObject({ messages: 0 });
    expect(await imap.kickConnections('nobody@example.test')).toBe(0);
  });
});

describe('SMTP sink', () => {
  let sink: RunningSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startSmtpSink();
    transport = nodemailer.createTransport({ ...sink.transportOptions(), pool: true, maxConnections: 1 });
  });
  afterEach(() => sink.clear());
  afterAll(async () => {
    transport?.close();
    await sink?.close();
  });

  const send = (n: number, to = 'customer@example.org') =>
    transport.sendMail({
      from: 'Support <support@example.test>',
      to,
      subject: `Re: Printer on fire #${n}`,
      text: `Reply number ${n}`,
      messageId: `<reply-${n}@example.test>`,
    });

  it('records and parses what a pooled nodemailer transport sends', async () => {
    await send(1);
    await send(2, 'other@example.org');
    const first = await sink.waitFor((m) => m.to.includes('customer@example.org'));
    const second = await sink.waitFor((m) => m.parsed.messageId === '<reply-2@example.test>');
    expect(first).toMatchObject({ from: 'support@example.test', to: ['customer@example.org'] });
    expect(first.parsed.subject).toBe('Re: Printer on fire #1');
    expect(first.parsed.text?.trim()).toBe('Reply number 1');
    expect(first.raw.toString()).toContain('Message-ID: <reply-1@example.test>');
    // Pooled: both went over the same connection.
    expect(second.connectionId).toBe(first.connectionId);
    expect(sink.messages).toHaveLength(2);
    await expect(sink.waitFor((m) => m.parsed.subject === 'never sent', 100)).rejects.toThrow(/no matching mail within 100 ms; received 2/);
  });

  it('answers RCPT TO with injected 451 and 550 replies', async () => {
    sink.failNext(1, 451, 'Greylisted, try again later');
    await expect(send(3)).rejects.toMatchObject({ code: 'EENVELOPE', responseCode: 451 });
    sink.failNext(1, 550, 'No such user');
    await expect(send(4)).rejects.toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    await send(5);
    expect(sink.messages.map((m) => m.parsed.messageId)).toEqual(['<reply-5@example.test>']);
  });

  it('cuts connections when asked to', async () => {
    // Cut after DATA: the sender cannot tell whether the message got through; the sink drops it.
    sink.dropNextConnection();
    await expect(send(6)).rejects.toMatchObject({ code: 'ECONNECTION' });
    expect(sink.messages).toHaveLength(0);
    await send(7); // the pool opens a new connection
    expect(sink.messages.map((m) => m.parsed.messageId)).toEqual(['<reply-7@example.test>']);

    // Cut before the greeting (a pool might resend on its own, so use a plain transport here).
    const single = nodemailer.createTransport(sink.transportOptions());
    sink.dropNextConnection('connect');
    await expect(single.sendMail({ from: 'a@example.test', to: 'b@example.org', text: 'x' })).rejects.toMatchObject({ code: 'ECONNECTION' });
    await single.sendMail({ from: 'a@example.test', to: 'b@example.org', text: 'x' });
    expect(sink.messages).toHaveLength(2);
  });

  it('checks AUTH credentials when configured', async () => {
    const authSink = await startSmtpSink({ auth: { user: 'mailer', pass: 'right' } });
    try {
      const wrong = nodemailer.createTransport({ ...authSink.transportOptions(), auth: { user: 'mailer', pass: 'wrong' } });
      await expect(wrong.sendMail({ from: 'a@example.test', to: 'b@example.org', text: 'x' })).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
      const right = nodemailer.createTransport(authSink.transportOptions());
      await right.sendMail({ from: 'a@example.test', to: 'b@example.org', text: 'x' });
      expect((await authSink.waitFor()).user).toBe('mailer');
    } finally {
      await authSink.close();
    }
  });
});
