import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Namespace, Socket } from 'socket.io';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators.js';
import { uuidParam } from '../common/pagination.js';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { PresenceStore } from './presence.js';
import { RealtimePublisher } from './realtime.publisher.js';
import {
  AGENTS_ROOM,
  ClientEvent,
  REALTIME_NAMESPACE,
  REALTIME_PATH,
  ServerEvent,
  ticketRoom,
  TYPING_TTL_MS,
  UNAUTHORIZED,
  type PresenceEvent,
} from './realtime.protocol.js';
import { REALTIME_ADAPTER_CLIENTS, type AdapterClients } from './redis-clients.js';

interface Watch {
  typingUntil: number;
  typingTimer?: NodeJS.Timeout;
}

/** What a socket carries once authenticated. */
interface SocketState {
  agent: { id: string; name: string };
  watching: Map<string, Watch>;
  expiryTimer?: NodeJS.Timeout;
}

type Ack = { ok: true } | { ok: false; error: string };

/** setTimeout's limit (~24.8 days); a token living longer is not cut off by a timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const state = (socket: Socket): SocketState => socket.data as SocketState;

/**
 * The agent console's realtime connection (docs/realtime.md): authenticates sockets with the
 * API's access token, puts each in the `agents` room (ticket and message events, see
 * RealtimePublisher) and keeps presence: who has which ticket open and who is typing a reply,
 * in Redis so that every replica sees the same. The Redis adapter carries emits between replicas.
 */
// The HTTP guard (APP_GUARD) would look for a bearer header: sockets are authenticated once, at connection (authenticate()).
@Public()
@WebSocketGateway({ namespace: REALTIME_NAMESPACE, path: REALTIME_PATH, serveClient: false })
export class RealtimeGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  private nsp: Namespace | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closing = false;
  /** What this replica last sent (or saw) as each ticket's presence, to notice changes on a heartbeat. */
  private readonly lastPresence = new Map<string, string>();

  constructor(
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly presence: PresenceStore,
    private readonly publisher: RealtimePublisher,
    @Inject(REALTIME_ADAPTER_CLIENTS) private readonly clients: AdapterClients,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  afterInit(nsp: Namespace): void {
    this.nsp = nsp;
    // Every emit (to a room) goes through Redis to the sockets of every replica.
    nsp.server.adapter(createAdapter(this.clients.pub, this.clients.sub, { key: `${this.config.QUEUE_PREFIX}:socket.io` }));
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          this.logger.debug({ err: (err as Error).message }, 'realtime connection refused');
          next(Object.assign(new Error(UNAUTHORIZED), { data: { message: UNAUTHORIZED } }));
        },
      );
    });
    this.publisher.attach(nsp);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.config.REALTIME_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  handleConnection(socket: Socket): void {
    void socket.join(AGENTS_ROOM);
  }

  handleDisconnect(socket: Socket): void {
    const s = state(socket);
    if (!s.watching) return;
    clearTimeout(s.expiryTimer);
    for (const ticketId of [...s.watching.keys()]) void this.stopWatching(socket, ticketId);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
  }

  async onApplicationShutdown(): Promise<void> {
    // The socket server has closed by now (Nest closes it before the shutdown hooks).
    this.publisher.attach(undefined);
    await Promise.all([this.clients.pub, this.clients.sub].map((c) => c.quit().catch(() => c.disconnect())));
  }

  @SubscribeMessage(ClientEvent.Watch)
  async watch(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const ticketId = this.ticketIdOf(body);
    if (!ticketId) return { ok: false, error: 'ticketId must be a UUID' };
    try {
      if (!(await this.startWatching(socket, ticketId))) return { ok: false, error: 'no such ticket' };
      await this.broadcastPresence(ticketId);
      return { ok: true };
    } catch (err) {
      return this.failed('watch', err);
    }
  }

  @SubscribeMessage(ClientEvent.Unwatch)
  async unwatch(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const ticketId = this.ticketIdOf(body);
    if (!ticketId) return { ok: false, error: 'ticketId must be a UUID' };
    try {
      await this.stopWatching(socket, ticketId);
      return { ok: true };
    } catch (err) {
      return this.failed('unwatch', err);
    }
  }

  @SubscribeMessage(ClientEvent.Typing)
  async typing(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const ticketId = this.ticketIdOf(body);
    if (!ticketId) return { ok: false, error: 'ticketId must be a UUID' };
    const typing = (body as { typing?: unknown }).typing === true;
    try {
      const s = state(socket);
      // Typing on a ticket means viewing it.
      if (!s.watching.has(ticketId) && !(await this.startWatching(socket, ticketId))) return { ok: false, error: 'no such ticket' };
      const watch = s.watching.get(ticketId);
      if (!watch) return { ok: true };
      const now = Date.now();
      const was = watch.typingUntil > now;
      clearTimeout(watch.typingTimer);
      watch.typingTimer = undefined;
      watch.typingUntil = typing ? now + TYPING_TTL_MS : 0;
      if (typing) {
        watch.typingTimer = setTimeout(() => void this.typingExpired(socket, ticketId), TYPING_TTL_MS + 20);
        watch.typingTimer.unref();
      }
      await this.presence.put(ticketId, socket.id, this.entry(s, watch, now));
      if (was !== typing) await this.broadcastPresence(ticketId);
      return { ok: true };
    } catch (err) {
      return this.failed('typing', err);
    }
  }

  private async authenticate(socket: Socket): Promise<void> {
    const raw = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof raw !== 'string' || !raw) throw new Error('no token');
    const token = raw.replace(/^Bearer\s+/i, '');
    const claims = await this.jwt.verifyAsync<{ sub: string; exp?: number }>(token);
    const [agent] = await this.ds.query<{ id: string; name: string }[]>(`SELECT id, name FROM agents WHERE id = $1 AND active`, [claims.sub]);
    if (!agent) throw new Error('agent deactivated or gone');
    const s: SocketState = { agent: { id: agent.id, name: agent.name }, watching: new Map() };
    // The connection ends when its token does; the console reconnects with a fresh one.
    if (claims.exp) {
      const left = claims.exp * 1000 - Date.now();
      if (left < MAX_TIMER_MS) {
        s.expiryTimer = setTimeout(() => socket.disconnect(true), Math.max(0, left));
        s.expiryTimer.unref();
      }
    }
    Object.assign(socket.data as object, s);
  }

  private ticketIdOf(body: unknown): string | undefined {
    const id = (body as { ticketId?: unknown } | null | undefined)?.ticketId;
    return uuidParam.safeParse(id).success ? (id as string) : undefined;
  }

  private entry(s: SocketState, watch: Watch, now: number) {
    return { agentId: s.agent.id, name: s.agent.name, typingUntil: watch.typingUntil, seenAt: now };
  }

  /** False when the ticket does not exist. */
  private async startWatching(socket: Socket, ticketId: string): Promise<boolean> {
    const s = state(socket);
    if (!s.watching.has(ticketId)) {
      const found = await this.ds.query<unknown[]>(`SELECT 1 FROM tickets WHERE id = $1`, [ticketId]);
      if (!found.length || !socket.connected) return false;
      s.watching.set(ticketId, { typingUntil: 0 });
      await socket.join(ticketRoom(ticketId));
    }
    await this.presence.put(ticketId, socket.id, this.entry(s, s.watching.get(ticketId)!, Date.now()));
    return true;
  }

  private async stopWatching(socket: Socket, ticketId: string): Promise<void> {
    const s = state(socket);
    const watch = s.watching.get(ticketId);
    if (!watch) return;
    clearTimeout(watch.typingTimer);
    s.watching.delete(ticketId);
    await socket.leave(ticketRoom(ticketId));
    try {
      await this.presence.remove(ticketId, socket.id);
    } catch (err) {
      // Gone within a few heartbeats anyway: the entry is no longer refreshed.
      if (!this.closing) this.logger.warn({ err: (err as Error).message, ticketId }, 'could not remove a presence entry');
      return;
    }
    if (!this.closing) await this.broadcastPresence(ticketId).catch((err: unknown) => void this.failed('presence', err));
  }

  private async typingExpired(socket: Socket, ticketId: string): Promise<void> {
    const s = state(socket);
    const watch = s.watching.get(ticketId);
    if (!watch || watch.typingUntil === 0 || watch.typingUntil > Date.now()) return;
    watch.typingUntil = 0;
    watch.typingTimer = undefined;
    try {
      await this.presence.put(ticketId, socket.id, this.entry(s, watch, Date.now()));
      await this.broadcastPresence(ticketId);
    } catch (err) {
      this.failed('typing expiry', err);
    }
  }

  /** Sends the ticket's presence to everyone viewing it, on every replica. */
  private async broadcastPresence(ticketId: string): Promise<void> {
    if (!this.nsp) return;
    const event: PresenceEvent = { ticketId, agents: await this.presence.agents(ticketId) };
    this.lastPresence.set(ticketId, JSON.stringify(event.agents));
    this.nsp.to(ticketRoom(ticketId)).emit(ServerEvent.Presence, event);
  }

  /**
   * Refreshes this replica's presence entries, and re-sends the presence of tickets viewed here
   * whose agents changed without anyone saying so (another replica died, a typing entry lapsed).
   */
  private async heartbeat(): Promise<void> {
    if (!this.nsp || this.closing) return;
    const now = Date.now();
    const entries: Parameters<PresenceStore['heartbeat']>[0] = [];
    const tickets = new Set<string>();
    for (const socket of this.nsp.sockets.values()) {
      const s = state(socket);
      for (const [ticketId, watch] of s.watching ?? []) {
        entries.push({ ticketId, socketId: socket.id, entry: this.entry(s, watch, now) });
        tickets.add(ticketId);
      }
    }
    try {
      await this.presence.heartbeat(entries);
      for (const ticketId of tickets) {
        const agents = await this.presence.agents(ticketId);
        if (JSON.stringify(agents) !== this.lastPresence.get(ticketId)) await this.broadcastPresence(ticketId);
      }
      for (const ticketId of this.lastPresence.keys()) if (!tickets.has(ticketId)) this.lastPresence.delete(ticketId);
    } catch (err) {
      this.failed('heartbeat', err);
    }
  }

  private failed(what: string, err: unknown): Ack {
    const message = (err as Error).message;
    this.logger.warn({ err: message }, `realtime ${what} failed: ${message}`);
    return { ok: false, error: 'temporarily unavailable' };
  }
}
