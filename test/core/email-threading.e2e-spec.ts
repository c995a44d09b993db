import { QueueName, type InboundMessageInput } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { resetState, startCore, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

type Hints = NonNullable<InboundMessageInput['threadHints']>;

/** E-mail threading reasons, the participant rule and agents writing by mail (real Postgres + Redis + BullMQ). */
describe('e-mail threading and participants', () => {
  let core: RunningCore;
  let inbound: Queue;
  let admin: ApiClient;

  beforeAll(async () => {
    core = await startCore({ REOPEN_WINDOW_DAYS: '7' });
    await resetState(core);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await core.ds.query(`DELETE FROM agents WHERE email LIKE '%@desk.test'`);
    await inbound.close();
    await core.close();
  });

  async function deliver(msg: InboundMessageInput) {
    const job = await enqueueInbound(inbound, msg);
    const { job: done, state } = await settled(inbound, job.id!);
    expect({ state, failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    return done.returnvalue as { outcome: string; ticketId: string; ticketNumber: number; messageId: string };
  }
  const mail = (from: string, threadHints?: Partial<Hints>, extra: Partial<InboundMessageInput> = {}) =>
    emailMessage({ sender: { email: from }, ...(threadHints ? { threadHints: { messageIds: [], ...threadHints } } : {}), ...extra });
  const message = async (id: string) =>
    (
      await core.ds.query(
        `SELECT threaded_by, threaded_by_value, visibility, author_kind, author_contact_id, author_agent_id, metadata FROM messages WHERE id = $1`,
        [id],
      )
    )[0];
  const externalId = async (messageId: string) => (await core.ds.query(`SELECT external_id FROM messages WHERE id = $1`, [messageId]))[0].external_id as string;
  const statusKind = async (ticketId: string) => (await core.ds.query(`SELECT status_kind FROM tickets WHERE id = $1`, [ticketId]))[0].status_kind as string;
  const setStatus = (ticketId: string, kind: string, extra = '') =>
    core.ds.query(`UPDATE tickets SET status_key = $2, status_kind = $3::status_kind ${extra} WHERE id = $1`, [ticketId, kind, kind]);

  describe('reasons', () => {
    it('in_reply_to when the matched Message-ID is the In-Reply-To, references for an older one', async () => {
      const first = await deliver(mail('rita@example.org'));
      const id = await externalId(first.messageId);
      const reply = await deliver(mail('rita@example.org', { messageIds: [id, '<older@x>'], inReplyTo: id }));
      expect(reply).toMatchObject({ outcome: 'appended', ticketId: first.ticketId });
      expect(await message(reply.messageId)).toMatchObject({ threaded_by: 'in_reply_to', threaded_by_value: id, visibility: 'public' });

      // In-Reply-To names a message we never stored; a References entry finds the ticket.
      const viaReferences = await deliver(mail('rita@example.org', { messageIds: ['<unknown@x>', id], inReplyTo: '<unknown@x>' }));
      expect(viaReferences.ticketId).toBe(first.ticketId);
      expect(await message(viaReferences.messageId)).toMatchObject({ threaded_by: 'references', threaded_by_value: id });

      // A channel that does not say which id is In-Reply-To keeps the generic reason.
      const generic = await deliver(mail('rita@example.org', { messageIds: [id] }));
      expect(await message(generic.messageId)).toMatchObject({ threaded_by: 'message_id', threaded_by_value: id });
    });

    it('signed_id for the number in one of our signed Message-IDs, tried after Message-IDs and before the marker', async () => {
      const a = await deliver(mail('sam@example.org'));
      const b = await deliver(mail('sam@example.org'));
      const signed = await deliver(
        mail('sam@example.org', { messageIds: ['<gone@desk>'], inReplyTo: '<gone@desk>', signedTicketNumber: a.ticketNumber, ticketNumber: b.ticketNumber, ticketNumberSource: 'subject' }),
      );
      expect(signed.ticketId).toBe(a.ticketId);
      expect(await message(signed.messageId)).toMatchObject({ threaded_by: 'signed_id', threaded_by_value: String(a.ticketNumber), visibility: 'public' });

      // A stored Message-ID wins over the signed number.
      const bId = await externalId(b.messageId);
      const byId = await deliver(mail('sam@example.org', { messageIds: [bId], inReplyTo: bId, signedTicketNumber: a.ticketNumber }));
      expect(byId.ticketId).toBe(b.ticketId);
      expect((await message(byId.messageId)).threaded_by).toBe('in_reply_to');

      // A signed number that names no ticket falls through to the marker.
      const fallThrough = await deliver(mail('sam@example.org', { signedTicketNumber: 999999, ticketNumber: b.ticketNumber, ticketNumberSource: 'body' }));
      expect(fallThrough.ticketId).toBe(b.ticketId);
      expect((await message(fallThrough.messageId)).threaded_by).toBe('body_marker');
    });

    it('subject_marker, body_marker, or ticket_number when the channel does not say where it found the number', async () => {
      const t = await deliver(mail('tom@example.org'));
      const bySubject = await deliver(mail('tom@example.org', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      const byBody = await deliver(mail('tom@example.org', { ticketNumber: t.ticketNumber, ticketNumberSource: 'body' }));
      const plain = await deliver(mail('tom@example.org', { ticketNumber: t.ticketNumber }));
      for (const r of [bySubject, byBody, plain]) expect(r).toMatchObject({ outcome: 'appended', ticketId: t.ticketId });
      expect((await message(bySubject.messageId)).threaded_by).toBe('subject_marker');
      expect((await message(byBody.messageId)).threaded_by).toBe('body_marker');
      expect((await message(plain.messageId)).threaded_by).toBe('ticket_number');
      expect((await message(plain.messageId)).threaded_by_value).toBe(String(t.ticketNumber));
    });

    it('trusts a signed number like a Message-ID: the sender needs not be the contact', async () => {
      const t = await deliver(mail('uma@example.org'));
      const forwarded = await deliver(mail('colleague@other.test', { signedTicketNumber: t.ticketNumber }));
      expect(forwarded.ticketId).toBe(t.ticketId);
      expect(await message(forwarded.messageId)).toMatchObject({ threaded_by: 'signed_id', visibility: 'public' });
    });
  });

  describe('participants', () => {
    it('keeps a stranger quoting the marker out, and shows why in the API', async () => {
      const t = await deliver(mail('vera@example.org'));
      await setStatus(t.ticketId, 'pending');
      const stranger = await deliver(mail('mallory@evil.test', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      expect(stranger).toMatchObject({ outcome: 'appended', ticketId: t.ticketId });
      expect(await statusKind(t.ticketId)).toBe('pending');

      const view = await admin.get(`/tickets/${t.ticketId}`);
      const m = view.body.messages.find((x: { id: string }) => x.id === stranger.messageId);
      expect(m).toMatchObject({
        visibility: 'internal',
        authorKind: 'contact',
        threadedBy: 'subject_marker',
        threadedByValue: String(t.ticketNumber),
        warning: expect.stringContaining(`sender is not a participant of ticket #${t.ticketNumber}`),
        metadata: { warning: expect.stringContaining('kept as an internal note') },
      });
      const history = await admin.get(`/tickets/${t.ticketId}/history`);
      const added = history.body.items.filter((e: { kind: string }) => e.kind === 'message_added').at(-1);
      expect(added.data).toMatchObject({ visibility: 'internal', warning: expect.stringContaining('not a participant') });
    });

    it('lets an added participant write publicly, idempotently, with history; removing them shuts them out again', async () => {
      const t = await deliver(mail('wendy@example.org'));
      const path = `/tickets/${t.ticketId}/participants`;
      const add = await admin.post(path, { email: ' CC.Person@Partner.TEST ' });
      expect(add.status).toBe(201);
      expect(add.body).toEqual({
        items: [{ kind: 'email', value: 'cc.person@partner.test', addedBy: { id: expect.any(String), name: expect.any(String) }, createdAt: expect.any(String) }],
        total: 1,
      });
      const again = await admin.post(path, { email: 'cc.person@partner.test', phone: '+44 20 7183 8750' });
      expect(again.status).toBe(201);
      expect(again.body.items.map((p: { kind: string; value: string }) => `${p.kind}:${p.value}`)).toEqual(['email:cc.person@partner.test', 'phone:+442071838750']);
      expect((await admin.get(path)).body).toEqual(again.body);
      const history = (await admin.get(`/tickets/${t.ticketId}/history`)).body.items.filter((e: { kind: string }) => e.kind === 'participant_added');
      expect(history.map((e: { data: unknown; actorKind: string }) => [e.actorKind, e.data])).toEqual([
        ['agent', { kind: 'email', value: 'cc.person@partner.test' }],
        ['agent', { kind: 'phone', value: '+442071838750' }],
      ]);

      await setStatus(t.ticketId, 'pending');
      const public1 = await deliver(mail('cc.person@partner.test', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      expect(await message(public1.messageId)).toMatchObject({ visibility: 'public', threaded_by: 'subject_marker', metadata: null });
      expect(await statusKind(t.ticketId)).toBe('open');

      expect((await admin.delete(`${path}/email/CC.Person@partner.test`)).status).toBe(204);
      expect((await admin.delete(`${path}/email/cc.person@partner.test`)).status).toBe(404);
      expect((await admin.get(`/tickets/${t.ticketId}/history`)).body.items.at(-1)).toMatchObject({
        kind: 'participant_removed',
        data: { kind: 'email', value: 'cc.person@partner.test' },
      });
      const shutOut = await deliver(mail('cc.person@partner.test', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      expect((await message(shutOut.messageId)).visibility).toBe('internal');
    });

    it('links a participant\'s mail after the reopen window as a follow-up', async () => {
      const t = await deliver(mail('xena@example.org'));
      expect((await admin.post(`/tickets/${t.ticketId}/participants`, { email: 'xena.cc@example.org' })).status).toBe(201);
      await setStatus(t.ticketId, 'closed', `, resolved_at = now() - interval '30 days', closed_at = now() - interval '30 days', active_since = NULL`);
      const later = await deliver(mail('xena.cc@example.org', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      expect(later.outcome).toBe('follow_up');
      expect((await core.ds.query(`SELECT parent_ticket_id FROM tickets WHERE id = $1`, [later.ticketId]))[0].parent_ticket_id).toBe(t.ticketId);
    });

    it('validates the participant API', async () => {
      const t = await deliver(mail('yuri@example.org'));
      const path = `/tickets/${t.ticketId}/participants`;
      const bad = await admin.post(path, { email: 'not-an-address' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([{ path: 'email', message: '"not-an-address" is not a valid e-mail address: expected name@domain' }]);
      expect((await admin.post(path, {})).status).toBe(400);
      expect((await admin.post(path, { telegramId: '1' })).status).toBe(400);
      expect((await admin.post('/tickets/00000000-0000-4000-8000-000000000000/participants', { email: 'a@b.test' })).status).toBe(404);
      expect((await admin.get('/tickets/00000000-0000-4000-8000-000000000000/participants')).status).toBe(404);
      expect((await admin.delete(`${path}/fax/123`)).status).toBe(400);
      expect((await admin.delete(`${path}/phone/12`)).status).toBe(400);
    });
  });

  describe('agents writing by mail', () => {
    let agentId: string;
    beforeAll(async () => {
      const res = await admin.post('/agents', { email: 'agent.smith@desk.test', name: 'Agent Smith', role: 'specialist', password: 'agent-password-1' });
      expect(res.status).toBe(201);
      agentId = res.body.id;
    });

    it('stores an active agent\'s mail on a ticket as their internal note, without a contact or a status change', async () => {
      const t = await deliver(mail('zoe@example.org'));
      await setStatus(t.ticketId, 'pending');
      const note = await deliver(mail('Agent.Smith@DESK.test', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      expect(note).toMatchObject({ outcome: 'appended', ticketId: t.ticketId });
      expect(await message(note.messageId)).toMatchObject({
        visibility: 'internal',
        author_kind: 'agent',
        author_agent_id: agentId,
        author_contact_id: null,
        threaded_by: 'subject_marker',
        metadata: null,
      });
      expect(await statusKind(t.ticketId)).toBe('pending');
      expect((await core.ds.query(`SELECT count(*)::int AS n FROM contact_identities WHERE value = 'agent.smith@desk.test'`))[0].n).toBe(0);
      const view = await admin.get(`/tickets/${t.ticketId}`);
      expect(view.body.messages.find((m: { id: string }) => m.id === note.messageId)).toMatchObject({
        authorKind: 'agent',
        authorAgentName: 'Agent Smith',
        visibility: 'internal',
        warning: null,
      });
      const added = (await admin.get(`/tickets/${t.ticketId}/history`)).body.items.at(-1);
      expect(added).toMatchObject({ kind: 'message_added', actorKind: 'agent', actorAgentId: agentId, data: { visibility: 'internal', byMail: true } });
    });

    it('adds the note to a closed ticket instead of opening a follow-up, also when replying to a notification', async () => {
      const t = await deliver(mail('abe@example.org'));
      const id = await externalId(t.messageId);
      await setStatus(t.ticketId, 'closed', `, resolved_at = now() - interval '30 days', closed_at = now() - interval '30 days', active_since = NULL`);
      const note = await deliver(mail('agent.smith@desk.test', { messageIds: [id], inReplyTo: id }));
      expect(note).toMatchObject({ outcome: 'appended', ticketId: t.ticketId });
      expect(await message(note.messageId)).toMatchObject({ visibility: 'internal', author_kind: 'agent', threaded_by: 'in_reply_to' });
      expect(await statusKind(t.ticketId)).toBe('closed');
    });

    it('treats a deactivated agent as anyone else', async () => {
      const res = await admin.post('/agents', { email: 'former@desk.test', name: 'Former Agent', role: 'specialist', password: 'agent-password-2' });
      expect((await admin.patch(`/agents/${res.body.id}`, { active: false })).status).toBe(200);
      const t = await deliver(mail('bea@example.org'));
      const r = await deliver(mail('former@desk.test', { ticketNumber: t.ticketNumber, ticketNumberSource: 'subject' }));
      expect(await message(r.messageId)).toMatchObject({ visibility: 'internal', author_kind: 'contact', metadata: { warning: expect.stringContaining('not a participant') } });
    });

    it('opens a ticket as usual for an agent\'s mail that names no ticket', async () => {
      const r = await deliver(mail('agent.smith@desk.test'));
      expect(r.outcome).toBe('created');
      expect((await message(r.messageId)).author_kind).toBe('contact');
    });
  });
});
