import { QueueName } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { resetState, startCore, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

interface Row {
  id: string;
  number: number;
  subject: string;
  unseen: boolean;
}

/** The console's inbox: views, search, unseen flags, and @mentions in internal notes. */
describe('inbox: views, unseen, mentions (real Postgres, Redis)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let anna: ApiClient;
  let annaId: string;
  let bob: ApiClient;
  let bobId: string;
  let inbound: Queue;

  beforeAll(async () => {
    core = await startCore();
    await resetState(core);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
    const a = await admin.post('/agents', { email: 'anna@desk.test', name: 'Anna Petrova', role: 'specialist', password: 'anna-password-1' });
    const b = await admin.post('/agents', { email: 'bob@desk.test', name: 'Bob Senior', role: 'senior', password: 'bob-password-1' });
    annaId = a.body.id;
    bobId = b.body.id;
    anna = await new ApiClient(core.api).login('anna@desk.test', 'anna-password-1');
    bob = await new ApiClient(core.api).login('bob@desk.test', 'bob-password-1');
  });
  afterAll(async () => {
    await inbound.close();
    await resetState(core);
    await core.close();
  });

  async function customerWrites(email: string, over: Parameters<typeof emailMessage>[0] = {}) {
    const job = await enqueueInbound(inbound, emailMessage({ sender: { email }, ...over }));
    const { job: done, state } = await settled(inbound, job.id!);
    expect(state).toBe('completed');
    return done.returnvalue as { ticketId: string; ticketNumber: number };
  }
  const rows = async (client: ApiClient, query: string) => {
    const res = await client.get(`/tickets?${query}`);
    expect(res.status).toBe(200);
    return res.body.items as Row[];
  };
  const ids = async (client: ApiClient, query: string) => (await rows(client, query)).map((r) => r.id).sort();

  describe('unseen', () => {
    it('a new ticket is unseen, seen after POST seen, unseen again when the customer writes', async () => {
      const t = await customerWrites('seen@example.org', { subject: 'Seen test' });
      const row = async (client: ApiClient) => (await rows(client, 'q=Seen test')).find((r) => r.id === t.ticketId)!;
      expect((await row(anna)).unseen).toBe(true);

      const seen = await anna.post(`/tickets/${t.ticketId}/seen`);
      expect(seen.status).toBe(200);
      expect(seen.body).toEqual({ ticketId: t.ticketId, lastSeenAt: expect.any(String) });
      expect((await row(anna)).unseen).toBe(false);
      // Per agent: Bob has not opened it.
      expect((await row(bob)).unseen).toBe(true);
      expect(await ids(anna, 'unseen=true&q=Seen test')).toEqual([]);
      expect(await ids(anna, 'unseen=false&q=Seen test')).toEqual([t.ticketId]);

      // An agent's own note or reply is not new activity for them.
      await anna.post(`/tickets/${t.ticketId}/messages`, { visibility: 'internal', body: 'looking into it' });
      expect((await row(anna)).unseen).toBe(false);

      await new Promise((r) => setTimeout(r, 20));
      const again = await customerWrites('seen@example.org', { subject: `Re: [#${t.ticketNumber}] Seen test`, threadHints: { ticketId: t.ticketId, messageIds: [] } });
      expect(again.ticketId).toBe(t.ticketId);
      expect((await row(anna)).unseen).toBe(true);
      expect(await ids(anna, 'unseen=true&q=Seen test')).toEqual([t.ticketId]);
      await anna.post(`/tickets/${t.ticketId}/seen`);
      expect((await row(anna)).unseen).toBe(false);

      expect((await anna.post('/tickets/00000000-0000-4000-8000-000000000000/seen')).status).toBe(404);
      expect((await anna.post('/tickets/nope/seen')).status).toBe(400);
    });
  });

  describe('views and search', () => {
    let mine: string;
    let minePending: string;
    let unassigned: string;
    let second: string;
    let onHold: string;
    let resolved: string;
    let contactNamed: string;

    beforeAll(async () => {
      await core.ds.query(`TRUNCATE tickets CASCADE`);
      mine = (await customerWrites('v1@example.org', { subject: 'Mine open' })).ticketId;
      minePending = (await customerWrites('v2@example.org', { subject: 'Mine pending' })).ticketId;
      unassigned = (await customerWrites('v3@example.org', { subject: 'Nobody has it' })).ticketId;
      second = (await customerWrites('v4@example.org', { subject: 'Hard one' })).ticketId;
      onHold = (await customerWrites('v5@example.org', { subject: 'Waiting for parts' })).ticketId;
      resolved = (await customerWrites('v6@example.org', { subject: 'Solved already' })).ticketId;
      contactNamed = (await customerWrites('zelda@example.org', { subject: 'Hello there', sender: { email: 'zelda@example.org', displayName: 'Zelda Quartermain' } })).ticketId;
      await admin.patch(`/tickets/${mine}`, { responsibleAgentId: annaId });
      await admin.patch(`/tickets/${minePending}`, { responsibleAgentId: annaId, status: 'pending' });
      await admin.patch(`/tickets/${second}`, { responsibleAgentId: bobId });
      await admin.post(`/tickets/${second}/escalate`, { note: 'db' });
      await admin.patch(`/tickets/${onHold}`, { responsibleAgentId: bobId, status: 'on_hold', onHoldUntil: new Date(Date.now() + 86_400_000).toISOString() });
      await admin.patch(`/tickets/${resolved}`, { responsibleAgentId: annaId, status: 'resolved' });
      await admin.patch(`/tickets/${contactNamed}`, { responsibleAgentId: bobId });
    });

    it('expresses each console view', async () => {
      expect(await ids(anna, 'view=my_open')).toEqual([mine, minePending].sort());
      expect(await ids(bob, 'view=my_open')).toEqual([contactNamed].sort());
      // No responsible agent, open: an escalated ticket waits for a 2nd-line agent to take it.
      expect(await ids(anna, 'view=unassigned')).toEqual([unassigned, second].sort());
      expect(await ids(anna, 'view=unassigned&line=1')).toEqual([unassigned]);
      expect(await ids(anna, 'view=first_line')).toEqual([mine, minePending, unassigned, onHold, contactNamed].sort());
      expect(await ids(anna, 'view=second_line')).toEqual([second]);
      expect(await ids(anna, 'view=pending')).toEqual([minePending]);
      expect(await ids(anna, 'view=on_hold')).toEqual([onHold]);
      expect(await ids(anna, 'view=all')).toHaveLength(7);
      // Filters narrow a view, and replace its value for the same filter.
      expect(await ids(anna, 'view=my_open&statusKind=pending')).toEqual([minePending]);
      expect(await ids(anna, 'view=my_open&statusKind=resolved')).toEqual([resolved]);
      expect(await ids(anna, 'view=first_line&responsible=' + bobId)).toEqual([onHold, contactNamed].sort());
      expect(await ids(anna, 'view=all&channel=email&priority=normal')).toHaveLength(7);
      expect(await ids(anna, 'view=all&priority=urgent')).toEqual([]);
      const secondLineGroup = (await anna.get(`/tickets/${second}`)).body.responsibleGroup.id;
      expect(await ids(anna, `view=all&group=${secondLineGroup}`)).toEqual([second]);
      const bad = await anna.get('/tickets?view=mine');
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('must be one of my_open, unassigned');
    });

    it('searches by number, subject and contact name, sorts and pages', async () => {
      const t = (await anna.get(`/tickets/${second}`)).body;
      // Digits also match subjects, addresses and phone numbers containing them; #<number> is the number only.
      expect(await ids(anna, `q=${t.number}`)).toContain(second);
      expect(await ids(anna, `q=%23${t.number}`)).toEqual([second]);
      expect(await ids(anna, 'q=waiting for')).toEqual([onHold]);
      expect(await ids(anna, 'q=quarterma')).toEqual([contactNamed]);
      expect(await ids(anna, 'q=zelda@example')).toEqual([contactNamed]);
      expect(await ids(anna, 'view=my_open&q=mine pend')).toEqual([minePending]);
      const byCreated = await rows(anna, 'view=all&sort=createdAt');
      expect(byCreated[0].id).toBe(mine);
      const page1 = await anna.get('/tickets?view=all&sort=-createdAt&pageSize=3');
      expect(page1.body.total).toBe(7);
      const page2 = await anna.get(`/tickets?view=all&sort=-createdAt&pageSize=3&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((r: Row) => r.id)).toEqual((await rows(anna, 'view=all&sort=-createdAt&pageSize=3&page=2')).map((r) => r.id));
      expect(page1.body.items.every((r: Row) => typeof r.unseen === 'boolean')).toBe(true);
    });
  });

  describe('mentions', () => {
    it('notifies the agents an internal note mentions, not unknown, inactive or self mentions, nor public replies', async () => {
      await core.ds.query(`DELETE FROM agent_notifications`);
      const t = await customerWrites('mention@example.org', { subject: 'Mention test' });
      const carl = await admin.post('/agents', { email: 'carl@desk.test', name: 'Carl Gone', role: 'specialist', password: 'carl-password-1' });
      await admin.patch(`/agents/${carl.body.id}`, { active: false });

      const note = await admin.post(`/tickets/${t.ticketId}/messages`, {
        visibility: 'internal',
        body: `@[Anna Petrova](agent:${annaId}) and @BOB@desk.test please check; also @[Anna P](agent:${annaId}), @carl@desk.test, @nobody@desk.test, @[Ghost](agent:00000000-0000-4000-8000-000000000000), @${ADMIN.email}`,
      });
      expect(note.status).toBe(201);
      // The public reply mentioning Bob notifies no one.
      expect((await admin.post(`/tickets/${t.ticketId}/messages`, { visibility: 'public', body: 'Thanks @bob@desk.test will call' })).status).toBe(201);

      const list = await anna.get('/me/notifications');
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 1, unread: 1, page: 1, pageSize: 25 });
      const me = (await admin.get('/me')).body;
      expect(list.body.items[0]).toEqual({
        id: expect.any(String),
        kind: 'mention',
        ticket: { id: t.ticketId, number: t.ticketNumber, subject: 'Mention test' },
        messageId: note.body.id,
        excerpt: expect.stringContaining('please check'),
        actor: { id: me.id, name: me.name },
        createdAt: expect.any(String),
        readAt: null,
      });
      expect((await bob.get('/me/notifications')).body.total).toBe(1);
      expect((await admin.get('/me/notifications')).body.total).toBe(0);
      const rowsInDb = await core.ds.query(`SELECT agent_id FROM agent_notifications ORDER BY agent_id`);
      expect(rowsInDb.map((r: { agent_id: string }) => r.agent_id).sort()).toEqual([annaId, bobId].sort());

      // The ticket's description is an internal note too.
      const created = await bob.post('/tickets', { subject: 'Internal', type: 'internal', description: `@anna@desk.test have a look` });
      expect(created.status).toBe(201);
      const annaList = (await anna.get('/me/notifications')).body;
      expect(annaList).toMatchObject({ total: 2, unread: 2 });
      expect(annaList.items[0].ticket.id).toBe(created.body.id);

      // Read one: unread ones come first.
      const first = annaList.items[1].id;
      const read = await anna.post(`/me/notifications/${first}/read`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ id: first, readAt: expect.any(String) });
      const after = (await anna.get('/me/notifications')).body;
      expect(after.unread).toBe(1);
      expect(after.items.map((n: { id: string; readAt: string | null }) => [n.id, n.readAt !== null])).toEqual([
        [annaList.items[0].id, false],
        [first, true],
      ]);
      expect((await anna.get('/me/notifications?unread=true')).body.items.map((n: { id: string }) => n.id)).toEqual([annaList.items[0].id]);
      expect((await anna.get('/me/notifications?pageSize=1&page=2')).body.items.map((n: { id: string }) => n.id)).toEqual([first]);
      // Someone else's notification is not found.
      expect((await bob.post(`/me/notifications/${first}/read`)).status).toBe(404);
      expect((await anna.post('/me/notifications/nope/read')).status).toBe(400);

      expect((await anna.post('/me/notifications/read-all')).body).toEqual({ marked: 1 });
      expect((await anna.post('/me/notifications/read-all')).body).toEqual({ marked: 0 });
      expect((await anna.get('/me/notifications')).body).toMatchObject({ total: 2, unread: 0 });
      expect((await bob.get('/me/notifications')).body.unread).toBe(1);
    });
  });
});
