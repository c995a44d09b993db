import { JobName, QueueName } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { io, type Socket } from 'socket.io-client';
import { PresenceStore } from '../../apps/core/src/realtime/presence.js';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

/** Everything a socket received, in order, to look through without racing the emits. */
interface Recorded {
  event: string;
  payload: any;
}

describe('realtime (Socket.IO /realtime on core, Redis adapter, presence)', () => {
  // A short heartbeat, so a dead replica's presence lapses within a second.
  const HEARTBEAT_MS = '300';
  let core: RunningCore;
  let admin: ApiClient;
  let adminToken: string;
  let adminId: string;
  let annaToken: string;
  let annaId: string;
  let inbound: Queue;
  let delivery: Queue;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    core = await startCore({ REALTIME_HEARTBEAT_MS: HEARTBEAT_MS, OUTBOX_POLL_MS: '60000' });
    await resetState(core);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    delivery = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Delivery);
    const login = await new ApiClient(core.api).post('/auth/login', ADMIN);
    adminToken = login.body.accessToken;
    adminId = login.body.agent.id;
    admin = new ApiClient(core.api, adminToken);
    const anna = await admin.post('/agents', { email: 'anna@desk.test', name: 'Anna', role: 'specialist', password: 'anna-password-1' });
    expect(anna.status).toBe(201);
    annaId = anna.body.id;
    annaToken = (await new ApiClient(core.api).post('/auth/login', { email: 'anna@desk.test', password: 'anna-password-1' })).body.accessToken;
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await Promise.all([inbound.close(), delivery.close()]);
    await core.close();
  });

  function socket(url: string, token: string | undefined, opts: { websocketOnly?: boolean } = { websocketOnly: true }): { s: Socket; got: Recorded[] } {
    const s = io(`${url}/realtime`, {
      path: '/socket.io',
      auth: token === undefined ? {} : { token },
      reconnection: false,
      forceNew: true,
      ...(opts.websocketOnly ? { transports: ['websocket'] } : {}),
    });
    sockets.push(s);
    const got: Recorded[] = [];
    s.onAny((event: string, payload: unknown) => got.push({ event, payload }));
    return { s, got };
  }

  function connected(s: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
  }

  function refused(s: Socket): Promise<Error & { data?: unknown }> {
    return new Promise((resolve, reject) => {
      s.once('connect', () => reject(new Error('connected, but should have been refused')));
      s.once('connect_error', resolve);
    });
  }

  async function agentSocket(token: string, url = core.url) {
    const c = socket(url, token);
    await connected(c.s);
    return c;
  }

  const emitAck = (s: Socket, event: string, body: object): Promise<{ ok: boolean; error?: string }> => s.timeout(2_000).emitWithAck(event, body);

  /** The first recorded event matching, within `ms`. */
  const received = (got: Recorded[], event: string, match: (p: any) => boolean, ms = 2_000) =>
    waitFor(`${event} event`, async () => got.find((r) => r.event === event && match(r.payload))?.payload, ms);

  async function customerWrites(email: string) {
    const job = await enqueueInbound(inbound, emailMessage({ sender: { email } }));
    const { job: done, state } = await settled(inbound, job.id!);
    expect(state).toBe('completed');
    return done.returnvalue as { ticketId: string; ticketNumber: number; messageId: string };
  }

  describe('authentication', () => {
    it('refuses a connection without a token', async () => {
      const err = await refused(socket(core.url, undefined).s);
      expect(err.message).toBe('unauthorized');
    });

    it('refuses a bad or expired token', async () => {
      expect((await refused(socket(core.url, 'not-a-jwt').s)).message).toBe('unauthorized');
      // Signed with another secret.
      const forged = `${adminToken.split('.').slice(0, 2).join('.')}.c2lnbmF0dXJl`;
      expect((await refused(socket(core.url, forged).s)).message).toBe('unauthorized');
      const { JwtService } = await import('@nestjs/jwt');
      const expired = await new JwtService({ secret: core.config.JWT_SECRET }).signAsync({ sub: adminId, role: 'admin', exp: Math.floor(Date.now() / 1000) - 10 });
      expect((await refused(socket(core.url, expired).s)).message).toBe('unauthorized');
    });

    it('accepts the access token from /auth/login (long polling too)', async () => {
      const { s } = socket(core.url, adminToken, { websocketOnly: false });
      await connected(s);
      expect(s.connected).toBe(true);
    });
  });

  describe('events', () => {
    it('a customer message on the inbound queue: ticket.created and message.created within 2 s', async () => {
      const { got } = await agentSocket(adminToken);
      const sent = Date.now();
      const job = await enqueueInbound(inbound, emailMessage({ sender: { email: 'live@example.org' } }));
      const created = await received(got, 'ticket.created', () => true);
      const message = await received(got, 'message.created', (p) => p.ticketId === created.ticketId);
      expect(Date.now() - sent).toBeLessThan(2_000);
      const { job: done } = await settled(inbound, job.id!);
      const result = done.returnvalue as { ticketId: string; ticketNumber: number; messageId: string };
      expect(created).toEqual({ ticketId: result.ticketId, number: result.ticketNumber });
      expect(message).toEqual({ ticketId: result.ticketId, messageId: result.messageId, direction: 'inbound', visibility: 'public' });

      // A reply on the same ticket: message.created only.
      const first = (job.data as { externalId: string }).externalId;
      const reply = await enqueueInbound(inbound, emailMessage({ sender: { email: 'live@example.org' }, threadHints: { messageIds: [first], inReplyTo: first } }));
      const second = (await settled(inbound, reply.id!)).job.returnvalue as { ticketId: string; messageId: string };
      expect(second.ticketId).toBe(result.ticketId);
      await received(got, 'message.created', (p) => p.messageId === second.messageId);
      expect(got.filter((r) => r.event === 'ticket.created' && r.payload.ticketId === result.ticketId)).toHaveLength(1);
    });

    it('agent replies and notes: message.created; a PATCH: ticket.updated', async () => {
      const t = await customerWrites('patch@example.org');
      const { got } = await agentSocket(annaToken);
      const note = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Looking into it', visibility: 'internal' });
      expect(note.status).toBe(201);
      expect(await received(got, 'message.created', (p) => p.messageId === note.body.id)).toEqual({
        ticketId: t.ticketId,
        messageId: note.body.id,
        direction: 'note',
        visibility: 'internal',
      });
      const reply = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Fixed.', visibility: 'public' });
      expect(await received(got, 'message.created', (p) => p.messageId === reply.body.id)).toMatchObject({ direction: 'outbound', visibility: 'public' });

      const patched = await admin.patch(`/tickets/${t.ticketId}`, { priority: 'high', responsibleAgentId: annaId });
      expect(patched.status).toBe(200);
      expect(await received(got, 'ticket.updated', (p) => p.ticketId === t.ticketId)).toEqual({ ticketId: t.ticketId });
    });

    it('a delivery report: message.delivery with the new state', async () => {
      const t = await customerWrites('delivery@example.org');
      const reply = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'On its way.', visibility: 'public' });
      const id = reply.body.id as string;
      const { got } = await agentSocket(adminToken);
      const report = async (status: string, extra: object = {}) => {
        const job = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: id, status, at: new Date().toISOString(), ...extra }, { jobId: `rt-${id}-${status}` });
        return (await settled(delivery, job.id!)).job.returnvalue as string;
      };
      expect(await report('sent')).toBe('applied');
      expect(await received(got, 'message.delivery', (p) => p.messageId === id && p.deliveryStatus === 'sent')).toEqual({
        ticketId: t.ticketId,
        messageId: id,
        deliveryStatus: 'sent',
        deliveryError: null,
      });
      expect(await report('failed', { reason: '550 no such mailbox' })).toBe('applied');
      expect(await received(got, 'message.delivery', (p) => p.messageId === id && p.deliveryStatus === 'failed')).toMatchObject({ deliveryError: '550 no such mailbox' });
      // A stale report changes nothing and says nothing.
      expect(await report('delivered')).toBe('stale');
      await new Promise((r) => setTimeout(r, 200));
      expect(got.filter((r) => r.event === 'message.delivery' && r.payload.messageId === id)).toHaveLength(2);
    });
  });

  describe('presence', () => {
    const presenceOf = (got: Recorded[], ticketId: string, match: (agents: { agentId: string; name: string; typing: boolean }[]) => boolean, ms = 2_000) =>
      received(got, 'presence', (p) => p.ticketId === ticketId && match(p.agents), ms);

    it('who views a ticket and who is typing; cleared on unwatch, disconnect and after 6 s without a refresh', async () => {
      const t = await customerWrites('presence@example.org');
      const a = await agentSocket(annaToken);
      const b = await agentSocket(adminToken);

      expect(await emitAck(b.s, 'ticket.watch', { ticketId: t.ticketId })).toEqual({ ok: true });
      // The watcher gets the presence at once: itself.
      await presenceOf(b.got, t.ticketId, (agents) => agents.length === 1 && agents[0].agentId === adminId);

      expect(await emitAck(a.s, 'ticket.watch', { ticketId: t.ticketId })).toEqual({ ok: true });
      await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && x.name === 'Anna' && !x.typing));
      const typingAt = Date.now();
      expect(await emitAck(a.s, 'ticket.typing', { ticketId: t.ticketId, typing: true })).toEqual({ ok: true });
      const typing = await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && x.typing));
      expect(typing).toEqual({
        ticketId: t.ticketId,
        agents: expect.arrayContaining([
          { agentId: annaId, name: 'Anna', typing: true },
          { agentId: adminId, name: expect.any(String), typing: false },
        ]),
      });

      // Typing lapses 6 s after the last refresh.
      b.got.length = 0;
      const lapsed = await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && !x.typing), 9_000);
      expect(Date.now() - typingAt).toBeGreaterThanOrEqual(5_500);
      expect(lapsed.agents).toHaveLength(2);

      // Typing again, then stopping explicitly.
      await emitAck(a.s, 'ticket.typing', { ticketId: t.ticketId, typing: true });
      await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && x.typing));
      b.got.length = 0;
      await emitAck(a.s, 'ticket.typing', { ticketId: t.ticketId, typing: false });
      await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && !x.typing));

      // Unwatch: gone.
      b.got.length = 0;
      expect(await emitAck(a.s, 'ticket.unwatch', { ticketId: t.ticketId })).toEqual({ ok: true });
      await presenceOf(b.got, t.ticketId, (agents) => agents.length === 1 && agents[0].agentId === adminId);

      // Typing on a ticket one does not watch watches it; a disconnect clears it.
      await emitAck(a.s, 'ticket.typing', { ticketId: t.ticketId, typing: true });
      await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && x.typing));
      b.got.length = 0;
      a.s.disconnect();
      await presenceOf(b.got, t.ticketId, (agents) => agents.length === 1 && agents[0].agentId === adminId);
    }, 30_000);

    it('rejects a malformed or unknown ticket id', async () => {
      const a = await agentSocket(annaToken);
      expect(await emitAck(a.s, 'ticket.watch', { ticketId: 'nope' })).toMatchObject({ ok: false });
      expect(await emitAck(a.s, 'ticket.watch', { ticketId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false });
    });

    it('drops the entry of a replica that stopped refreshing it', async () => {
      const t = await customerWrites('ghost@example.org');
      const b = await agentSocket(adminToken);
      // An entry as a replica that then died would have left it.
      const store = new PresenceStore(core.redis, core.config.QUEUE_PREFIX, Number(HEARTBEAT_MS) * 3);
      await store.put(t.ticketId, 'ghost-socket', { agentId: annaId, name: 'Anna', typingUntil: Date.now() + 6_000, seenAt: Date.now() });
      await emitAck(b.s, 'ticket.watch', { ticketId: t.ticketId });
      await presenceOf(b.got, t.ticketId, (agents) => agents.some((x) => x.agentId === annaId && x.typing));
      await presenceOf(b.got, t.ticketId, (agents) => agents.length === 1 && agents[0].agentId === adminId, 3_000);
      expect(await core.redis.hkeys(store.key(t.ticketId))).not.toContain('ghost-socket');
    });
  });

  describe('two core replicas on one database and Redis', () => {
    let second: RunningCore;
    beforeAll(async () => {
      // API-only, as a replica behind a load balancer may be: it still serves sockets.
      second = await startCore({ REALTIME_HEARTBEAT_MS: HEARTBEAT_MS, WORKERS_ENABLED: 'false' });
    });
    afterAll(async () => {
      for (const s of sockets.splice(0)) s.disconnect();
      await second.close();
    });

    it('an event emitted on one replica reaches a socket connected to the other', async () => {
      const t = await customerWrites('replicas@example.org');
      const onFirst = await agentSocket(annaToken, core.url);
      const onSecond = await agentSocket(adminToken, second.url);
      // Changed through the second replica, seen on the first.
      const viaSecond = new ApiClient(second.api, adminToken);
      expect((await viaSecond.patch(`/tickets/${t.ticketId}`, { priority: 'urgent' })).status).toBe(200);
      await received(onFirst.got, 'ticket.updated', (p) => p.ticketId === t.ticketId);
      // The inbound worker runs on the first only; its events reach the second.
      const job = await enqueueInbound(inbound, emailMessage({ sender: { email: 'replicas2@example.org' } }));
      const created = await received(onSecond.got, 'ticket.created', () => true);
      expect(created.ticketId).toBe(((await settled(inbound, job.id!)).job.returnvalue as { ticketId: string }).ticketId);
    });

    it('presence is shared: a watcher on one replica sees an agent typing on the other', async () => {
      const t = await customerWrites('replica-presence@example.org');
      const a = await agentSocket(annaToken, second.url);
      const b = await agentSocket(adminToken, core.url);
      await emitAck(b.s, 'ticket.watch', { ticketId: t.ticketId });
      await emitAck(a.s, 'ticket.typing', { ticketId: t.ticketId, typing: true });
      const seen = await received(b.got, 'presence', (p) => p.ticketId === t.ticketId && p.agents.some((x: { agentId: string; typing: boolean }) => x.agentId === annaId && x.typing));
      expect(seen.agents.map((x: { agentId: string }) => x.agentId).sort()).toEqual([adminId, annaId].sort());
      b.got.length = 0;
      a.s.disconnect();
      await received(b.got, 'presence', (p) => p.ticketId === t.ticketId && p.agents.length === 1 && p.agents[0].agentId === adminId);
    });
  });
});
