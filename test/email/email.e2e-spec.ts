import { waitFor, type RunningCore } from '../support/core.js';
import { startEmail, type RunningEmail } from '../support/email.js';
import type { ApiClient } from '../support/http.js';
import type { RunningDovecot } from '../support/mail/dovecot.js';
import type { RunningSink } from '../support/mail/smtp-sink.js';
import { createMailbox, mail, startMailStack, type MailStack } from './support.js';

describe('e-mail channel (core + email service, Dovecot, SMTP sink)', () => {
  let stack: MailStack;
  let core: RunningCore;
  let email: RunningEmail;
  let imap: RunningDovecot;
  let smtp: RunningSink;
  let admin: ApiClient;

  beforeAll(async () => {
    stack = await startMailStack();
    ({ core, imap, smtp, admin } = stack);
  });
  beforeEach(() => stack.reset());
  afterEach(async () => {
    await email?.close();
  });
  afterAll(() => stack?.stop());

  const ticketOf = async (messageId: string) =>
    waitFor(`a ticket for ${messageId}`, async () => {
      const [row] = await core.ds.query(`SELECT ticket_id AS id FROM messages WHERE external_id = $1`, [messageId]);
      return row && (await admin.get(`/tickets/${row.id}`)).body;
    });

  it('turns a mail into a ticket with contact, company, subject, body and attachments, and flags it', async () => {
    await admin.post('/companies', { name: 'Example Org', domains: ['example.org'] });
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const m = mail({ attachments: [{ filename: 'invoice.pdf', type: 'application/pdf', content: pdf }] });
    await imap.append(box.address, 'INBOX', m.raw);

    const ticket = await ticketOf(m.messageId);
    expect(ticket.subject).toBe('Printer is on fire');
    expect(ticket.registrationChannel).toBe('email');
    expect(ticket.contact).toMatchObject({ name: 'Ann Customer' });
    expect(ticket.company).toMatchObject({ name: 'Example Org' });
    const [first] = ticket.messages;
    expect(first.text).toContain('It started smoking this morning.');
    expect(first.threadedBy).toBe('new');
    expect(first.attachments.map((a: { filename: string; size: number }) => [a.filename, a.size])).toEqual([['invoice.pdf', pdf.length]]);
    expect(first.raw).toMatchObject({ contentType: 'message/rfc822', filename: 'Printer is on fire.eml' });
    expect(first.raw.size).toBeGreaterThanOrEqual(Buffer.byteLength(m.raw));
    await waitFor('the mail to be flagged', async () => (await imap.list(box.address, 'INBOX'))[0]?.flags.includes('$Switchboard'));
    const [cursor] = await core.ds.query(`SELECT last_uid::int AS "lastUid" FROM mailboxes WHERE id = $1`, [box.id]);
    expect(cursor.lastUid).toBe(1);
  });

  it('sends the agent’s reply with the marker and threading headers; the customer’s reply lands on the ticket with only the new text', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Cannot log in' });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);

    const sent = await admin.post(`/tickets/${ticket.id}/messages`, { visibility: 'public', body: 'Please try resetting your password.' });
    expect(sent.status).toBe(201);
    const out = await smtp.waitFor((x) => x.to.includes('ann@example.org'), 10_000);
    expect(out.parsed.subject).toBe(`[#${ticket.number}] Cannot log in`);
    expect(out.parsed.inReplyTo).toBe(first.messageId);
    expect(out.parsed.text).toContain('##- Please type your reply above this line -##');
    expect(out.parsed.text).toContain('Please try resetting your password.');
    const ourId = out.parsed.messageId!;
    expect(ourId).toMatch(new RegExp(`^<t${ticket.number}\\.m[0-9a-f]{32}\\.[0-9a-z]+@example\\.test>$`, 'i'));
    await waitFor('the reply to be marked sent', async () => {
      const [row] = await core.ds.query(`SELECT delivery_status AS s, external_id AS e FROM messages WHERE id = $1`, [sent.body.id]);
      return row.s === 'sent' && row.e === ourId;
    });

    const reply = mail({
      subject: `Re: [#${ticket.number}] Cannot log in`,
      inReplyTo: ourId,
      references: [first.messageId, ourId],
      body: `That worked, thank you!\n\nOn Mon, Support wrote:\n> ##- Please type your reply above this line -##\n> Please try resetting your password.\n`,
    });
    await imap.append(box.address, 'INBOX', reply.raw);
    const after = await waitFor('the customer reply on the ticket', async () => {
      const t = (await admin.get(`/tickets/${ticket.id}`)).body;
      return t.messages.length === 3 && t;
    });
    const last = after.messages[2];
    expect(last.text.trim()).toBe('That worked, thank you!');
    expect(last.threadedBy).toBe('in_reply_to');
  });

  it('threads a reply that has only the marker in its subject, even mangled', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Refund' });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);
    const again = mail({ subject: `AW: Re: [#${ticket.number}] Refund`, body: 'Any news?' });
    await imap.append(box.address, 'INBOX', again.raw);
    const t = await ticketOf(again.messageId);
    expect(t.id).toBe(ticket.id);
    expect(t.messages.find((x: { text: string }) => x.text.includes('Any news?')).threadedBy).toBe('subject_marker');
  });

  it('keeps a stranger’s mail with a valid marker as an internal note flagged "not on this ticket"', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Order 17' });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);
    const stranger = mail({ from: 'Mallory <mallory@evil.example>', subject: `[#${ticket.number}] hi`, body: 'Send me the invoice' });
    await imap.append(box.address, 'INBOX', stranger.raw);
    const t = await ticketOf(stranger.messageId);
    expect(t.id).toBe(ticket.id);
    const note = t.messages.find((x: { text: string }) => x.text.includes('Send me the invoice'));
    expect(note.visibility).toBe('internal');
    expect(note.warning).toMatch(/not a participant/);
  });

  it('lets people the customer copied in answer publicly', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ subject: 'Team access', headers: { Cc: 'Bob Colleague <Bob@Example.org>' } });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);
    const participants = (await admin.get(`/tickets/${ticket.id}/participants`)).body;
    expect(JSON.stringify(participants)).toContain('bob@example.org');
    const bob = mail({ from: 'Bob Colleague <bob@example.org>', subject: `Re: [#${ticket.number}] Team access`, body: 'Me too, please.' });
    await imap.append(box.address, 'INBOX', bob.raw);
    const t = await ticketOf(bob.messageId);
    expect(t.id).toBe(ticket.id);
    expect(t.messages.find((x: { text: string }) => x.text.includes('Me too')).visibility).toBe('public');
  });

  it('makes a note of a mail too large to download and leaves the mail in the mailbox', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail({ EMAIL_MAX_MESSAGE_BYTES: String(1024 * 1024) });
    const big = mail({ subject: 'Scans', attachments: [{ filename: 'scan.png', type: 'image/png', content: Buffer.alloc(1_200_000, 7) }] });
    await imap.append(box.address, 'INBOX', big.raw);
    const t = await ticketOf(big.messageId);
    expect(t.subject).toBe('Scans');
    expect(t.messages[0].text).toMatch(/over the 1\.0 MB the help desk imports.*still in the mailbox/);
    expect(t.messages[0].attachments).toEqual([]);
    expect(await imap.list(box.address, 'INBOX')).toHaveLength(1);
  });

  it('leaves mail from unknown senders alone when the mailbox does not create contacts, and never takes in its own mail', async () => {
    const box = await createMailbox(admin, imap, smtp, { createContacts: false });
    await admin.post('/contacts', { name: 'Known Kim', identities: [{ kind: 'email', value: 'kim@example.org' }] });
    email = await startEmail();
    const stranger = mail({ from: 'Stranger <who@example.net>', subject: 'Cold pitch' });
    const own = mail({ from: `Support <${box.address}>`, subject: 'Copy of our own reply' });
    const known = mail({ from: 'Known Kim <kim@example.org>', subject: 'From a customer we know' });
    for (const m of [stranger, own, known]) await imap.append(box.address, 'INBOX', m.raw);
    const t = await ticketOf(known.messageId);
    expect(t.subject).toBe('From a customer we know');
    await waitFor('the cursor past all three', async () => {
      const [row] = await core.ds.query(`SELECT last_uid::int AS n FROM mailboxes WHERE id = $1`, [box.id]);
      return row.n === 3;
    });
    const [{ n }] = await core.ds.query(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1`, [box.id]);
    expect(n).toBe(1);
    const flags = Object.fromEntries((await imap.list(box.address, 'INBOX')).map((x) => [x.subject, x.flags]));
    expect(flags['Cold pitch']).not.toContain('$Switchboard');
    expect(flags['From a customer we know']).toContain('$Switchboard');
  });

  it('stores a mail delivered twice into the mailbox once, files included', async () => {
    const box = await createMailbox(admin, imap, smtp);
    const copy = mail({ subject: 'Twice', attachments: [{ filename: 'a.txt', type: 'text/plain', content: Buffer.from('hello') }] });
    for (let i = 0; i < 4; i++) await imap.append(box.address, 'INBOX', copy.raw);
    email = await startEmail({ EMAIL_INGEST_CONCURRENCY: '4' });
    await waitFor('all four copies passed', async () => {
      const [row] = await core.ds.query(`SELECT last_uid::int AS n FROM mailboxes WHERE id = $1`, [box.id]);
      return row.n === 4;
    });
    const [{ messages, files, orphans }] = await core.ds.query(
      `SELECT (SELECT count(*) FROM messages WHERE channel_account_id = $1)::int AS messages,
              (SELECT count(*) FROM attachments)::int AS files,
              (SELECT count(*) FROM attachments WHERE message_id IS NULL)::int AS orphans`,
      [box.id],
    );
    expect({ messages, files, orphans }).toEqual({ messages: 1, files: 2, orphans: 0 });
  });

  it('takes each mail once across a restart, a second replica and a dropped connection', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const replica = await startEmail();
    try {
      const mails = Array.from({ length: 12 }, (_, i) => mail({ subject: `Question ${i}`, from: `c${i}@example.org` }));
      for (const [i, m] of mails.entries()) {
        await imap.append(box.address, 'INBOX', m.raw);
        if (i === 4) await imap.kickConnections(box.address);
        if (i === 8) {
          await email.close();
          email = await startEmail();
        }
      }
      await waitFor('every mail as a message', async () => {
        const [{ n }] = await core.ds.query(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1`, [box.id]);
        return n === 12;
      }, 30_000);
      const [{ distinct }] = await core.ds.query(`SELECT count(DISTINCT external_id)::int AS distinct FROM messages WHERE channel_account_id = $1`, [box.id]);
      expect(distinct).toBe(12);
      expect(email.supervisor.reading.length + replica.supervisor.reading.length).toBeLessThanOrEqual(1);
    } finally {
      await replica.close();
    }
  });
});
