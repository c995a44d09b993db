/**
 * The e-mail channel end to end in the situations real mailboxes produce: bounces, oversized
 * attachments, late replies, a server renumbering its folder, moved and flagged mail, wrong
 * passwords, SMTP errors, restarts and dropped connections mid-ingest, and replies whose
 * threading headers providers mangled. Core, the e-mail service, Dovecot and an SMTP sink all run
 * for real; every test gets its own Dovecot user and mailbox.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { waitFor, type RunningCore } from '../support/core.js';
import { startEmail, type RunningEmail } from '../support/email.js';
import type { ApiClient } from '../support/http.js';
import type { RunningDovecot } from '../support/mail/dovecot.js';
import { startSmtpSink, type RunningSink } from '../support/mail/smtp-sink.js';
import { deleteKeys } from '../support/redis-keys.js';
import { createMailbox, mail, startMailStack, SUPPORT, type MailStack } from './support.js';

interface TicketMessage {
  id: string;
  direction: string;
  visibility: string;
  text: string;
  threadedBy: string | null;
  threadedByValue: string | null;
  deliveryStatus: string | null;
  deliveryError: string | null;
  metadata: Record<string, unknown> | null;
  attachments: { filename: string; size: number; url: string }[];
  raw: { filename: string; contentType: string; size: number; url: string } | null;
}

interface DsnSpec {
  to: string;
  recipient: string;
  original: { messageId: string; subject: string; from: string };
  /** Default: a permanent failure (`failed`, 5.1.1, 550 user unknown). */
  delayed?: boolean;
}

/** A delivery status notification as Postfix writes one: multipart/report with the original's headers. */
function bounceOf(o: DsnSpec): { raw: string; messageId: string } {
  const messageId = `<${randomUUID()}@mx.example.org>`;
  const [subject, action, status, diagnostic] = o.delayed
    ? ['Delayed Mail (still being retried)', 'delayed', '4.4.1', '451 4.4.1 host mx.example.org not reachable, will retry']
    : ['Undelivered Mail Returned to Sender', 'failed', '5.1.1', '550 5.1.1 user unknown'];
  const boundary = `dsn-${randomUUID()}`;
  const date = new Date().toUTCString();
  const raw = [
    'Return-Path: <>',
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    `To: ${o.to}`,
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    `Date: ${date}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.org.',
    '',
    ...(o.delayed
      ? ['Your message could not be delivered for 4 hours.', 'It will be retried until it is 5 days old.']
      : ["I'm sorry to have to inform you that your message could not", 'be delivered to one or more recipients.']),
    '',
    `<${o.recipient}>: host mx.example.org[192.0.2.10] said: ${diagnostic} (in reply to RCPT TO command)`,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    'X-Postfix-Queue-ID: 4Xyz1234',
    `Arrival-Date: ${date}`,
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Original-Recipient: rfc822;${o.recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mx.example.org',
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${o.original.from}`,
    `To: ${o.recipient}`,
    `Subject: ${o.original.subject}`,
    `Message-ID: ${o.original.messageId}`,
    `Date: ${date}`,
    'MIME-Version: 1.0',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { raw, messageId };
}

describe('e-mail channel scenarios (core + email service, Dovecot, SMTP sink)', () => {
  let stack: MailStack;
  let core: RunningCore;
  let email: RunningEmail | undefined;
  let imap: RunningDovecot;
  let smtp: RunningSink;
  let admin: ApiClient;

  beforeAll(async () => {
    // Acknowledgements and other automatic mails stay off: these tests count the mails and SMTP commands they cause.
    stack = await startMailStack({ NOTIFICATIONS_ENABLED: 'false' });
    ({ core, imap, smtp, admin } = stack);
  });
  beforeEach(() => stack.reset());
  afterEach(async () => {
    await email?.close();
    email = undefined;
  });
  afterAll(() => stack?.stop());

  const query = <T = any>(sql: string, params: unknown[] = []) => core.ds.query<T[]>(sql, params);
  const count = async (sql: string, params: unknown[] = []) => Number((await query<{ n: string }>(sql, params))[0].n);
  const ticket = async (id: string) => (await admin.get(`/tickets/${id}`)).body;
  const ticketOf = async (messageId: string, timeoutMs = 15_000) =>
    waitFor(
      `a ticket for ${messageId}`,
      async () => {
        const [row] = await query(`SELECT ticket_id AS id FROM messages WHERE external_id = $1 AND direction = 'inbound'`, [messageId]);
        return row && ticket(row.id);
      },
      timeoutMs,
    );
  const messageOf = (t: { messages: TicketMessage[] }, id: string) => t.messages.find((m) => m.id === id)!;
  /** Posts a public reply and waits until the sink has it and core marked it sent; returns our Message-ID. */
  const replyAndSend = async (ticketId: string, body: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.post(`/tickets/${ticketId}/messages`, { visibility: 'public', body, ...extra });
    expect(res.status).toBe(201);
    const out = await smtp.waitFor((m) => m.parsed.text?.includes(body) ?? false, 15_000);
    await waitFor('the reply to be marked sent', async () => (await ticket(ticketId)).messages.find((m: TicketMessage) => m.id === res.body.id)?.deliveryStatus === 'sent');
    return { id: res.body.id as string, out, ourId: out.parsed.messageId! };
  };

  it('marks the bounced reply failed with the diagnostic (not on a delay warning), and makes no ticket or message of either', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ from: 'Nobody <nobody@example.org>', subject: 'Where is my parcel?' });
    await imap.append(box.address, 'INBOX', first.raw);
    const t = await ticketOf(first.messageId);
    const reply = await replyAndSend(t.id, 'It left our warehouse yesterday.');
    const about = { to: box.address, recipient: 'nobody@example.org', original: { messageId: reply.ourId, subject: reply.out.parsed.subject!, from: `Example Support <${box.address}>` } };

    // A delay warning first: the reply may still arrive, so it stays sent, and the warning is no ticket either.
    const delay = bounceOf({ ...about, delayed: true });
    await imap.append(box.address, 'INBOX', delay.raw);
    await waitFor('the delay warning to be flagged', async () => (await imap.list(box.address, 'INBOX')).find((m) => m.messageId === delay.messageId)?.flags.includes('$Switchboard'), 15_000);
    expect(messageOf(await ticket(t.id), reply.id)).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });

    const dsn = bounceOf(about);
    await imap.append(box.address, 'INBOX', dsn.raw);

    const failed = await waitFor(
      'the reply to be marked failed',
      async () => {
        const m = messageOf(await ticket(t.id), reply.id);
        return m.deliveryStatus === 'failed' && m;
      },
      15_000,
    );
    expect(failed.deliveryError).toContain('5.1.1');
    expect(failed.deliveryError).toContain('550 5.1.1 user unknown');
    const history = (await admin.get(`/tickets/${t.id}/history`)).body.items;
    expect(history.filter((e: { kind: string }) => e.kind === 'delivery_failed')).toHaveLength(1);
    // The bounce is taken (flagged, cursor past it) but is neither a ticket nor a message.
    await waitFor('the bounce to be flagged', async () => (await imap.list(box.address, 'INBOX')).find((m) => m.messageId === dsn.messageId)?.flags.includes('$Switchboard'), 15_000);
    expect(await count(`SELECT count(*) AS n FROM tickets`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM messages WHERE direction = 'inbound'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM messages WHERE external_id = ANY($1)`, [[dsn.messageId, delay.messageId]])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM contacts`)).toBe(1);
  });

  it('drops a 30 MB attachment with a note, keeps the rest of the mail and the raw original', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const big = Buffer.alloc(30 * 1024 * 1024, 'x');
    const small = Buffer.from('serial number: SN-4711\n');
    const m = mail({
      subject: 'Logs attached',
      body: 'The full dump and the serial number are attached.',
      attachments: [
        { filename: 'dump.bin', type: 'application/octet-stream', content: big },
        { filename: 'serial.txt', type: 'text/plain', content: small },
      ],
    });
    const rawBytes = Buffer.byteLength(m.raw);
    expect(rawBytes).toBeLessThan(60 * 1024 * 1024); // EMAIL_MAX_MESSAGE_BYTES default
    await imap.append(box.address, 'INBOX', m.raw);

    const t = await ticketOf(m.messageId, 40_000);
    const [msg] = t.messages as TicketMessage[];
    expect(msg.text).toContain('The full dump and the serial number are attached.');
    expect(msg.text).toMatch(/Attachment "dump\.bin" \(30\.0 MB\) was not stored/);
    expect(msg.attachments.map((a) => [a.filename, a.size])).toEqual([['serial.txt', small.length]]);
    expect(msg.metadata?.dropped).toMatch(/dump\.bin/);
    expect(msg.raw).toMatchObject({ contentType: 'message/rfc822' });
    expect(msg.raw!.size).toBeGreaterThanOrEqual(rawBytes);
    // Nothing of the big part was stored besides the raw mail.
    expect(await count(`SELECT count(*) AS n FROM attachments WHERE filename = 'dump.bin'`)).toBe(0);
  }, 60_000);

  it('opens a linked follow-up ticket for a reply after the reopen window', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Broken hinge' });
    await imap.append(box.address, 'INBOX', first.raw);
    const old = await ticketOf(first.messageId);
    const reply = await replyAndSend(old.id, 'A new hinge is on its way.');
    expect((await admin.patch(`/tickets/${old.id}`, { status: 'resolved' })).status).toBe(200);
    expect((await admin.patch(`/tickets/${old.id}`, { status: 'closed' })).status).toBe(200);
    // Closed long ago (REOPEN_WINDOW_DAYS is 7).
    await query(`UPDATE tickets SET resolved_at = now() - interval '40 days', closed_at = now() - interval '30 days' WHERE id = $1`, [old.id]);

    const late = mail({ subject: `Re: [#${old.number}] Broken hinge`, inReplyTo: reply.ourId, references: [first.messageId, reply.ourId], body: 'The other hinge broke now.' });
    await imap.append(box.address, 'INBOX', late.raw);
    const followUp = await ticketOf(late.messageId);
    expect(followUp.id).not.toBe(old.id);
    expect(followUp.parentTicketId).toBe(old.id);
    expect(followUp.status.kind).toBe('open');
    expect(followUp.contact.id).toBe(old.contact.id);
    expect(followUp.messages.find((m: TicketMessage) => m.direction === 'inbound')).toMatchObject({ visibility: 'public', threadedBy: 'new' });
    const before = await ticket(old.id);
    expect(before.status.kind).toBe('closed');
    expect(before.messages.filter((m: TicketMessage) => m.direction === 'inbound')).toHaveLength(1);
    const history = (await admin.get(`/tickets/${old.id}/history`)).body.items;
    expect(history.find((e: { kind: string }) => e.kind === 'follow_up_created')?.data).toMatchObject({ ticketId: followUp.id, ticketNumber: followUp.number });
  });

  it('survives a UIDVALIDITY change while running: nothing doubled, later mail taken in', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const mails = [0, 1, 2].map((i) => mail({ subject: `Before ${i}`, from: `before${i}@example.org` }));
    for (const m of mails) await imap.append(box.address, 'INBOX', m.raw);
    const inbound = () => count(`SELECT count(*) AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [box.id]);
    await waitFor('the first mails', async () => (await inbound()) === 3);
    const { before, after } = await imap.changeUidValidity(box.address, 'INBOX');
    expect(after).not.toBe(before);

    const later = mail({ subject: 'After the change', from: 'after@example.org' });
    await imap.append(box.address, 'INBOX', later.raw);
    await ticketOf(later.messageId);
    const view = await waitFor('the new UIDVALIDITY in the cursor', async () => {
      const b = (await admin.get(`/channels/email/${box.id}`)).body;
      return b.uidValidity === String(after) && b.lastUid === 4 && b;
    });
    expect(view.state).toBe('active');

    // Once more with the completed jobs gone from Redis (as an hour later): the database decides.
    await deleteKeys(core.redis, `${core.config.QUEUE_PREFIX}:inbound:*`);
    const second = await imap.changeUidValidity(box.address, 'INBOX');
    await waitFor('the cursor to catch up again', async () => {
      const b = (await admin.get(`/channels/email/${box.id}`)).body;
      return b.uidValidity === String(second.after) && b.lastUid === 4;
    });
    expect(await inbound()).toBe(4);
    expect(await count(`SELECT count(DISTINCT external_id) AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [box.id])).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM tickets`)).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM attachments WHERE message_id IS NULL`)).toBe(0);
    const listed = await imap.list(box.address, 'INBOX');
    expect(listed).toHaveLength(4);
    expect(listed.every((m) => m.flags.includes('$Switchboard'))).toBe(true);
  });

  it("moves taken mail to processedFolder with 'move', and flags it \\Seen + $Switchboard by default", async () => {
    const moving = await createMailbox(admin, imap, smtp, { processedAction: 'move', processedFolder: 'Processed' });
    await imap.createFolder(moving.address, 'Processed');
    const flagging = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const a = mail({ subject: 'Move me' });
    const b = mail({ subject: 'Flag me', from: 'bob@example.org' });
    await imap.append(moving.address, 'INBOX', a.raw);
    await imap.append(flagging.address, 'INBOX', b.raw);
    await ticketOf(a.messageId);
    await ticketOf(b.messageId);

    const moved = await waitFor('the mail in Processed', async () => {
      const list = await imap.list(moving.address, 'Processed');
      return list.length === 1 && list;
    });
    expect(moved[0].messageId).toBe(a.messageId);
    expect(await imap.list(moving.address, 'INBOX')).toEqual([]);
    expect(await imap.list(moving.address, 'Trash')).toEqual([]);

    const flagged = await waitFor('the mail flagged', async () => {
      const [m] = await imap.list(flagging.address, 'INBOX');
      return m?.flags.includes('$Switchboard') && m;
    });
    expect(flagged.messageId).toBe(b.messageId);
    expect(flagged.flags).toEqual(expect.arrayContaining(['\\Seen', '$Switchboard']));
    expect(await imap.folders(flagging.address)).not.toContain('Processed');

    // A processedFolder that does not exist: the server refuses the move, the mail is still taken in once and stays put.
    const missing = await createMailbox(admin, imap, smtp, { processedAction: 'move', processedFolder: 'Nowhere' });
    const c = mail({ subject: 'Nowhere to go', from: 'carol@example.org' });
    await imap.append(missing.address, 'INBOX', c.raw);
    await ticketOf(c.messageId);
    await waitFor('the cursor past the mail', async () => (await admin.get(`/channels/email/${missing.id}`)).body.lastUid === 1);
    expect((await imap.list(missing.address, 'INBOX')).map((m) => m.messageId)).toEqual([c.messageId]);
    expect(await imap.folders(missing.address)).not.toContain('Nowhere');
    expect((await admin.get(`/channels/email/${missing.id}`)).body.state).toBe('active');
  });

  it('puts a mailbox with a wrong IMAP password in error with the server’s words, stops trying, and resumes after a PATCH', async () => {
    const box = await createMailbox(admin, imap, smtp, { imapSecret: 'not-the-password' });
    email = await startEmail();
    const errored = await waitFor('the mailbox in error', async () => {
      const b = (await admin.get(`/channels/email/${box.id}`)).body;
      return b.state === 'error' && b;
    });
    expect(errored.stateReason).toBe('IMAP login failed: Authentication failed.');

    const failures = async () => (await readFile(imap.logPath, 'utf8')).split('\n').filter((l) => l.includes('auth failed') && l.includes(`user=<${box.address}>`)).length;
    const tried = await failures();
    expect(tried).toBeGreaterThanOrEqual(1);
    // Several poll, reconnect and refresh periods (all 1 s or less here): no new login attempt.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await failures()).toBe(tried);
    expect(email.supervisor.reading).not.toContain(box.id);
    expect((await admin.get(`/channels/email/${box.id}`)).body.state).toBe('error');

    const fixed = await admin.patch(`/channels/email/${box.id}`, { imapSecret: SUPPORT.pass });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ state: 'active', stateReason: null });
    const m = mail({ subject: 'Hello after the fix' });
    await imap.append(box.address, 'INBOX', m.raw);
    const t = await ticketOf(m.messageId);
    expect(t.subject).toBe('Hello after the fix');
    expect((await admin.get(`/channels/email/${box.id}`)).body.state).toBe('active');
  });

  it('tests a mailbox’s logins against Dovecot and the sink, and reports the exact failure', async () => {
    const authSink = await startSmtpSink({ auth: { user: 'smtp-user', pass: 'smtp-pass' } });
    try {
      const box = await createMailbox(admin, imap, smtp, { smtpPort: authSink.port, smtpUser: 'smtp-user', smtpSecret: 'smtp-pass' });
      const ok = await admin.post(`/channels/email/${box.id}/test`);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ imap: { ok: true }, smtp: { ok: true } });

      await admin.patch(`/channels/email/${box.id}`, { imapSecret: 'not-the-password', smtpSecret: 'not-the-smtp-pass' });
      const bad = await admin.post(`/channels/email/${box.id}/test`);
      expect(bad.status).toBe(200);
      expect(bad.body).toEqual({
        imap: { ok: false, error: 'AUTHENTICATIONFAILED Authentication failed.' },
        smtp: { ok: false, error: 'Invalid login: 535 Authentication credentials invalid' },
      });

      await admin.patch(`/channels/email/${box.id}`, { folder: 'Nope', imapSecret: SUPPORT.pass, smtpSecret: 'smtp-pass' });
      const missing = await admin.post(`/channels/email/${box.id}/test`);
      expect(missing.body.imap.ok).toBe(false);
      expect(missing.body.imap.error).toMatch(/Mailbox doesn't exist: Nope/);
      expect(missing.body.smtp).toEqual({ ok: true });
    } finally {
      await authSink.close();
    }
  });

  it('sends a reply’s attachment, retries after a 451 and delivers, and fails a reply on a 550 with the server’s text', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Need the manual' });
    await imap.append(box.address, 'INBOX', first.raw);
    const t = await ticketOf(first.messageId);

    const pdf = Buffer.from('%PDF-1.4\n% the manual\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const upload = await fetch(`${core.api}/attachments?filename=manual.pdf`, {
      method: 'POST',
      headers: { ...admin.authHeaders(), 'content-type': 'application/pdf' },
      body: pdf,
    });
    expect(upload.status).toBe(201);
    const { id: attachmentId } = (await upload.json()) as { id: string };
    const withFile = await replyAndSend(t.id, 'Here is the manual.', { attachmentIds: [attachmentId] });
    expect(withFile.out.to).toEqual(['ann@example.org']);
    expect(withFile.out.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.equals(pdf)])).toEqual([['manual.pdf', 'application/pdf', true]]);

    smtp.failNext(1, 451, '4.7.1 Greylisted, try again later');
    const started = Date.now();
    const retried = await replyAndSend(t.id, 'Second answer after a greylisting.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500); // BullMQ's first backoff is 2 s
    expect(smtp.messages.filter((m) => m.parsed.text?.includes('Second answer after a greylisting.'))).toHaveLength(1);
    expect(messageOf(await ticket(t.id), retried.id).deliveryError).toBeNull();

    smtp.failNext(1, 550, '5.1.1 <ann@example.org>: Recipient address rejected: User unknown');
    const res = await admin.post(`/tickets/${t.id}/messages`, { visibility: 'public', body: 'Third answer, to be refused.' });
    const failed = await waitFor(
      'the reply to be marked failed',
      async () => {
        const m = messageOf(await ticket(t.id), res.body.id);
        return m.deliveryStatus === 'failed' && m;
      },
      15_000,
    );
    expect(failed.deliveryError).toContain('550');
    expect(failed.deliveryError).toContain('Recipient address rejected: User unknown');
    expect(smtp.messages.filter((m) => m.parsed.text?.includes('Third answer'))).toHaveLength(0);
  });

  it('takes every mail exactly once across a stop mid-ingest, a restart and a connection kicked mid-fetch', async () => {
    const box = await createMailbox(admin, imap, smtp);
    const mails = Array.from({ length: 30 }, (_, i) =>
      mail({ subject: `Batch mail ${i}`, from: `sender${i}@example.org`, attachments: [{ filename: `log-${i}.txt`, type: 'text/plain', content: Buffer.alloc(64 * 1024, `${i % 10}`) }] }),
    );
    for (const m of mails) await imap.append(box.address, 'INBOX', m.raw);
    const stored = () => count(`SELECT count(*) AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [box.id]);

    email = await startEmail({ EMAIL_BATCH_SIZE: '5' });
    await waitFor('the first few mails', async () => (await stored()) >= 3, 15_000);
    await email.close();
    email = undefined;
    const atStop = await stored();
    expect(atStop).toBeLessThan(30);

    email = await startEmail({ EMAIL_BATCH_SIZE: '5' });
    await waitFor('more mails after the restart', async () => (await stored()) >= atStop + 5, 15_000);
    await imap.kickConnections(box.address);
    await waitFor('all 30 mails', async () => (await stored()) === 30, 30_000);

    expect(await count(`SELECT count(DISTINCT external_id) AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [box.id])).toBe(30);
    expect(await count(`SELECT count(*) AS n FROM tickets`)).toBe(30);
    // Each mail's raw original and its attachment stored once, all linked to their message.
    expect(await count(`SELECT count(*) AS n FROM attachments`)).toBe(60);
    expect(await count(`SELECT count(*) AS n FROM attachments WHERE message_id IS NULL`)).toBe(0);
    const listed = await waitFor('every mail flagged', async () => {
      const l = await imap.list(box.address, 'INBOX');
      return l.every((m) => m.flags.includes('$Switchboard')) && l;
    });
    expect(listed).toHaveLength(30);
    expect((await admin.get(`/channels/email/${box.id}`)).body.lastUid).toBe(30);
  }, 60_000);

  it('threads a reply to a Message-ID a provider rewrote by the subject marker, and one to a signed id whose row is gone by signed_id', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Invoice copy' });
    await imap.append(box.address, 'INBOX', first.raw);
    const t = await ticketOf(first.messageId);

    // The provider that relayed our reply gave it its own Message-ID; the customer answers that one.
    const sent = await replyAndSend(t.id, 'The copy is attached to your account.');
    const rewritten = `<${randomUUID()}@relay.provider.example>`;
    const viaProvider = mail({ subject: `RE: [#${t.number}] Invoice copy`, inReplyTo: rewritten, references: [rewritten], body: 'I cannot find it there.' });
    await imap.append(box.address, 'INBOX', viaProvider.raw);
    const afterProvider = await ticketOf(viaProvider.messageId);
    expect(afterProvider.id).toBe(t.id);
    const byMarker = afterProvider.messages.find((m: TicketMessage) => m.text.includes('I cannot find it there.'));
    expect(byMarker).toMatchObject({ threadedBy: 'subject_marker', threadedByValue: String(t.number), visibility: 'public' });

    // Our stored row no longer knows the Message-ID it went out with: the signature still names the ticket.
    const second = await replyAndSend(t.id, 'Look under Billing > Invoices.');
    await query(`UPDATE messages SET external_id = 'x' WHERE id = $1`, [second.id]);
    const other = mail({ subject: 'found it', inReplyTo: second.ourId, references: [second.ourId], body: 'Found it, thanks.' });
    await imap.append(box.address, 'INBOX', other.raw);
    const afterSigned = await ticketOf(other.messageId);
    expect(afterSigned.id).toBe(t.id);
    const bySignature = afterSigned.messages.find((m: TicketMessage) => m.text.includes('Found it, thanks.'));
    expect(bySignature).toMatchObject({ threadedBy: 'signed_id', threadedByValue: String(t.number), visibility: 'public' });
    expect(sent.ourId).not.toBe(second.ourId);
    expect(await count(`SELECT count(*) AS n FROM tickets`)).toBe(1);
  });

  it('threads a reply to the Message-ID a relay gave our reply (named in its 250 answer) by in_reply_to', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Broken charger' });
    await imap.append(box.address, 'INBOX', first.raw);
    const t = await ticketOf(first.messageId);

    // Amazon SES answers "250 Ok <token>" and sends the mail as <token@eu-west-1.amazonses.com>.
    const token = `0102018c${randomUUID().replace(/-/g, '').slice(0, 8)}-${randomUUID()}-000000`;
    smtp.acceptWith(() => `Ok ${token}`);
    const sesSent = await replyAndSend(t.id, 'Please send us a photo of the label.');
    // Microsoft 365 names the whole new id in its answer.
    const m365Id = `<${randomUUID().replace(/-/g, '')}@AM0PR01MB1234.eurprd01.prod.outlook.com>`;
    smtp.acceptWith(() => `2.0.0 OK ${m365Id} [Hostname=AM0PR01MB1234]`);
    const m365Sent = await replyAndSend(t.id, 'Did the photo go through?');
    smtp.acceptWith(undefined);
    const aliases = await query<{ alias: string; message_id: string }>(`SELECT alias, message_id FROM message_aliases ORDER BY created_at`);
    expect(aliases).toEqual([
      { alias: token, message_id: sesSent.id },
      { alias: m365Id, message_id: m365Sent.id },
    ]);

    // Neither reply carries our id, a marker in the subject or the body: only the relay's ids.
    const sesId = `<${token}@eu-west-1.amazonses.com>`;
    const viaSes = mail({ subject: 'Re: Broken charger', inReplyTo: sesId, references: [first.messageId.replace('@', '.x@'), sesId], body: 'Photo attached.' });
    await imap.append(box.address, 'INBOX', viaSes.raw);
    const afterSes = await ticketOf(viaSes.messageId);
    expect(afterSes.id).toBe(t.id);
    expect(afterSes.messages.find((m: TicketMessage) => m.text.includes('Photo attached.'))).toMatchObject({ threadedBy: 'in_reply_to', threadedByValue: sesId, visibility: 'public' });

    const viaM365 = mail({ subject: 'AW: Broken charger', inReplyTo: m365Id, references: [m365Id], body: 'Yes, twice.' });
    await imap.append(box.address, 'INBOX', viaM365.raw);
    const afterM365 = await ticketOf(viaM365.messageId);
    expect(afterM365.id).toBe(t.id);
    expect(afterM365.messages.find((m: TicketMessage) => m.text.includes('Yes, twice.'))).toMatchObject({ threadedBy: 'in_reply_to', threadedByValue: m365Id });
    expect(await count(`SELECT count(*) AS n FROM tickets`)).toBe(1);
  });
});
