import { randomUUID } from 'node:crypto';
import { waitFor, type RunningCore } from '../support/core.js';
import { startEmail, type RunningEmail } from '../support/email.js';
import type { ApiClient } from '../support/http.js';
import type { RunningDovecot } from '../support/mail/dovecot.js';
import type { RunningSink, SinkMessage } from '../support/mail/smtp-sink.js';
import { createMailbox, mail, startMailStack, type MailStack } from './support.js';

/**
 * Customer notifications end to end: real Dovecot, the e-mail service, core with notifications
 * on (the other tests run with them off), and an SMTP sink standing in for the customer.
 */
describe('customer notifications by e-mail (core + email service, Dovecot, SMTP sink)', () => {
  let stack: MailStack;
  let core: RunningCore;
  let email: RunningEmail | undefined;
  let imap: RunningDovecot;
  let smtp: RunningSink;
  let admin: ApiClient;

  beforeAll(async () => {
    stack = await startMailStack({ NOTIFICATIONS_ENABLED: 'true' });
    ({ core, imap, smtp, admin } = stack);
  });
  beforeEach(() => stack.reset());
  afterEach(async () => {
    await email?.close();
    email = undefined;
  });
  afterAll(() => stack?.stop());

  /** A customer address of its own per test: the caps count per recipient across the whole run. */
  const customer = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.org`;

  const ticketOf = async (messageId: string) =>
    waitFor(`a ticket for ${messageId}`, async () => {
      const [row] = await core.ds.query(`SELECT ticket_id AS id FROM messages WHERE external_id = $1`, [messageId]);
      return row && (await admin.get(`/tickets/${row.id}`)).body;
    });

  const header = (m: SinkMessage, name: string) => {
    const v = m.parsed.headers.get(name);
    return typeof v === 'string' ? v : v === undefined ? undefined : JSON.stringify(v);
  };
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('acknowledges a new mail once, with the ticket number, threaded and marked automatic', async () => {
    const ann = customer('ann');
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ from: `Ann Customer <${ann}>`, subject: 'Printer is on fire' });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);

    const ack = await smtp.waitFor((m) => m.to.includes(ann), 15_000);
    expect(ack.parsed.subject).toBe(`We have received your request [#${ticket.number}]: Printer is on fire`);
    expect(ack.parsed.text).toContain(`Hello Ann Customer,`);
    expect(ack.parsed.text).toContain(`We have received your request [#${ticket.number}] "Printer is on fire"`);
    expect(ack.parsed.inReplyTo).toBe(first.messageId);
    expect(ack.parsed.from?.value[0].address).toBe(box.address);
    expect(header(ack, 'auto-submitted')).toBe('auto-replied');
    expect(header(ack, 'x-auto-response-suppress')).toBe('All');

    // On the ticket as the system's outbound message, with its delivery state.
    const withAck = await waitFor('the acknowledgement marked sent', async () => {
      const t = (await admin.get(`/tickets/${ticket.id}`)).body;
      return t.messages.find((m: { direction: string; deliveryStatus: string }) => m.direction === 'outbound' && m.deliveryStatus === 'sent') && t;
    });
    const out = withAck.messages.filter((m: { direction: string }) => m.direction === 'outbound');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ authorKind: 'system', visibility: 'public', channel: 'email', contactAddress: ann, autoSubmitted: true, channelAccountId: box.id });
    expect(out[0].subject).toBe(ack.parsed.subject);
    const history = (await admin.get(`/tickets/${ticket.id}/history`)).body.items.map((e: { kind: string; actorKind: string; data: { notification?: string } }) => [
      e.kind,
      e.actorKind,
      e.data.notification,
    ]);
    expect(history).toContainEqual(['message_added', 'system', 'ticket_created']);
    const [{ acknowledgement }] = await core.ds.query(`SELECT acknowledgement FROM tickets WHERE id = $1`, [ticket.id]);
    expect(acknowledgement).toBe('queued');

    // The customer answers the acknowledgement: the answer lands on the ticket, and is not acknowledged.
    const reply = mail({ from: `Ann Customer <${ann}>`, subject: `Re: ${ack.parsed.subject}`, inReplyTo: ack.parsed.messageId, body: 'Also, it smells.' });
    await imap.append(box.address, 'INBOX', reply.raw);
    expect((await ticketOf(reply.messageId)).id).toBe(ticket.id);
    await pause(1_500);
    expect(mailsTo(ann)).toHaveLength(1);
  });

  it('tells the customer when the ticket is resolved, and not on statuses whose notice is off', async () => {
    const bob = customer('bob');
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const first = mail({ from: `Bob <${bob}>`, subject: 'Invoice missing' });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);
    await smtp.waitFor((m) => m.to.includes(bob), 15_000);

    expect((await admin.patch(`/tickets/${ticket.id}`, { status: 'pending' })).status).toBe(200);
    expect((await admin.patch(`/tickets/${ticket.id}`, { status: 'resolved' })).status).toBe(200);
    const notice = await smtp.waitFor((m) => m.to.includes(bob) && m.parsed.subject !== mailsTo(bob)[0].parsed.subject, 15_000);
    expect(notice.parsed.subject).toBe(`Your request [#${ticket.number}] has been resolved: Invoice missing`);
    expect(notice.parsed.text).toContain(`We consider your request [#${ticket.number}] "Invoice missing" resolved.`);
    expect(notice.parsed.inReplyTo).toBe(first.messageId);
    expect(header(notice, 'auto-submitted')).toBe('auto-replied');
    await pause(1_000);
    // The acknowledgement and the resolution notice; nothing for `pending` (off by default).
    expect(mailsTo(bob)).toHaveLength(2);

    // Turned on for closed, it is sent on closing.
    expect((await admin.patch('/notification-templates/status_changed', { statusKinds: ['resolved', 'closed'] })).status).toBe(200);
    expect((await admin.patch(`/tickets/${ticket.id}`, { status: 'closed' })).status).toBe(200);
    const closed = await smtp.waitFor((m) => m.to.includes(bob) && /has been closed/.test(m.parsed.subject ?? ''), 15_000);
    expect(closed.parsed.subject).toBe(`Your request [#${ticket.number}] has been closed: Invoice missing`);
  });

  it('sends nothing at all in answer to 100 automatic mails', async () => {
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const kinds: ((i: number) => Parameters<typeof mail>[0])[] = [
      (i) => ({ from: `Ooo ${i} <ooo${i}@example.net>`, subject: `Out of office ${i}`, headers: { 'Auto-Submitted': 'auto-replied' } }),
      (i) => ({ from: `News ${i} <news${i}@example.net>`, subject: `Newsletter ${i}`, headers: { Precedence: 'bulk' } }),
      (i) => ({ from: `List ${i} <list${i}@example.net>`, subject: `[list] Digest ${i}`, headers: { 'List-Id': `<list${i}.example.net>` } }),
      (i) => ({ from: `Mail Delivery System <MAILER-DAEMON@mx${i}.example.net>`, subject: `Undelivered Mail ${i}`, body: 'The mail system could not deliver your message.' }),
      (i) => ({ from: `Robot ${i} <robot${i}@example.net>`, subject: `Report ${i}`, headers: { 'X-Auto-Response-Suppress': 'All' } }),
    ];
    for (let i = 0; i < 100; i++) await imap.append(box.address, 'INBOX', mail(kinds[i % kinds.length](i)).raw);

    await waitFor(
      'all 100 mails committed and looked at by the acknowledgement sweep',
      async () => {
        const [r] = await core.ds.query(
          `SELECT (SELECT count(*)::int FROM messages WHERE direction = 'inbound') AS inbound,
                  (SELECT count(*)::int FROM tickets WHERE acknowledgement IS NULL) AS undecided`,
        );
        return r.inbound === 100 && r.undecided === 0;
      },
      60_000,
    );
    const states = await core.ds.query(`SELECT acknowledgement, count(*)::int AS n FROM tickets GROUP BY 1`);
    expect(states).toEqual([{ acknowledgement: 'auto_submitted', n: 100 }]);
    await pause(2_000);
    expect(smtp.messages).toHaveLength(0);
    const [{ outbound }] = await core.ds.query(`SELECT count(*)::int AS outbound FROM messages WHERE direction = 'outbound'`);
    expect(outbound).toBe(0);
  }, 120_000);

  it('caps automatic mail to one recipient: of 12 new tickets within a minute, 10 are acknowledged and 2 reported suppressed', async () => {
    const carol = customer('carol');
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail({ EMAIL_AUTO_REPLY_CAPS: '10/600,25/3600,100/36000' });
    for (let i = 1; i <= 12; i++) await imap.append(box.address, 'INBOX', mail({ from: `Carol <${carol}>`, subject: `Question ${i}` }).raw);

    const acks = await waitFor(
      'every acknowledgement sent or failed',
      async () => {
        const rows = await core.ds.query<{ ticketId: string; status: string; error: string | null }[]>(
          `SELECT ticket_id AS "ticketId", delivery_status AS status, delivery_error AS error FROM messages WHERE direction = 'outbound'`,
        );
        return rows.length === 12 && rows.every((r) => r.status === 'sent' || r.status === 'failed') && rows;
      },
      30_000,
    );
    expect(acks.filter((a) => a.status === 'sent')).toHaveLength(10);
    const failed = acks.filter((a) => a.status === 'failed');
    expect(failed.map((a) => a.error)).toEqual([
      `automatic mail to ${carol} suppressed: over 10 per 10 minutes`,
      `automatic mail to ${carol} suppressed: over 10 per 10 minutes`,
    ]);
    // The agent sees it on the ticket and in the history.
    const t = (await admin.get(`/tickets/${failed[0].ticketId}`)).body;
    expect(t.messages.find((m: { direction: string }) => m.direction === 'outbound')).toMatchObject({ deliveryStatus: 'failed', deliveryError: failed[0].error });
    const history = (await admin.get(`/tickets/${failed[0].ticketId}/history`)).body.items;
    expect(history.find((e: { kind: string }) => e.kind === 'delivery_failed').data.reason).toBe(failed[0].error);
    await pause(1_000);
    expect(mailsTo(carol)).toHaveLength(10);

    // Agents' replies are never capped.
    const reply = await admin.post(`/tickets/${failed[0].ticketId}/messages`, { visibility: 'public', body: 'Here is your answer.' });
    expect(reply.status).toBe(201);
    const answer = await smtp.waitFor((m) => m.to.includes(carol) && (m.parsed.text ?? '').includes('Here is your answer.'), 15_000);
    expect(header(answer, 'auto-submitted')).toBeUndefined();
  }, 60_000);

  it('uses an edited template for the next mail, and sends none while it is disabled', async () => {
    const dan = customer('dan');
    const box = await createMailbox(admin, imap, smtp);
    email = await startEmail();
    const edited = await admin.patch('/notification-templates/ticket_created', {
      subject: 'Thanks, {{contact.name}}! Ticket {{ticket.number}} is open',
      bodyText: 'Ticket {{ticket.number}} ({{ticket.subject}}) for {{#if company.name}}{{company.name}}{{else}}you{{/if}}.',
      bodyHtml: '<p>Ticket <b>{{ticket.number}}</b>: {{ticket.subject}}</p>',
    });
    expect(edited.status).toBe(200);

    const first = mail({ from: `Dan <${dan}>`, subject: 'Tom & Jerry <b>' });
    await imap.append(box.address, 'INBOX', first.raw);
    const ticket = await ticketOf(first.messageId);
    const ack = await smtp.waitFor((m) => m.to.includes(dan), 15_000);
    expect(ack.parsed.subject).toBe(`[#${ticket.number}] Thanks, Dan! Ticket ${ticket.number} is open`);
    expect(ack.parsed.text).toContain(`Ticket ${ticket.number} (Tom & Jerry <b>) for you.`);
    expect(ack.parsed.html).toContain(`<p>Ticket <b>${ticket.number}</b>: Tom &amp; Jerry &lt;b&gt;</p>`);

    expect((await admin.patch('/notification-templates/ticket_created', { enabled: false })).status).toBe(200);
    const second = mail({ from: `Dan <${dan}>`, subject: 'Another thing' });
    await imap.append(box.address, 'INBOX', second.raw);
    const other = await ticketOf(second.messageId);
    await waitFor('the sweep to look at the second ticket', async () => {
      const [row] = await core.ds.query(`SELECT acknowledgement FROM tickets WHERE id = $1`, [other.id]);
      return row.acknowledgement === 'disabled';
    });
    await pause(1_000);
    expect(mailsTo(dan)).toHaveLength(1);
  });
});
