import type { Redis } from 'ioredis';
import type { PresenceAgent } from './realtime.protocol.js';

/** One socket viewing a ticket, as kept in the ticket's presence hash (field: the socket id). */
export interface PresenceEntry {
  agentId: string;
  name: string;
  /** Epoch ms until which the agent counts as typing (0: not typing). */
  typingUntil: number;
  /** Epoch ms of the last heartbeat of the socket's replica. */
  seenAt: number;
}

/**
 * The agents on a ticket, from its presence entries: one per agent (an agent may have the ticket
 * open in several tabs), typing if any of their sockets is, ordered by name. Entries whose replica
 * stopped refreshing them (`seenAt` older than `staleMs`) are left out.
 */
export function presenceAgents(entries: PresenceEntry[], now: number, staleMs: number): PresenceAgent[] {
  const byAgent = new Map<string, PresenceAgent>();
  for (const e of entries) {
    if (now - e.seenAt > staleMs) continue;
    const typing = e.typingUntil > now;
    const known = byAgent.get(e.agentId);
    if (known) known.typing ||= typing;
    else byAgent.set(e.agentId, { agentId: e.agentId, name: e.name, typing });
  }
  return [...byAgent.values()].sort((a, b) => a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
}

function parseEntry(raw: string): PresenceEntry | undefined {
  try {
    const e = JSON.parse(raw) as Partial<PresenceEntry>;
    if (typeof e.agentId !== 'string' || typeof e.name !== 'string' || typeof e.seenAt !== 'number') return undefined;
    return { agentId: e.agentId, name: e.name, typingUntil: typeof e.typingUntil === 'number' ? e.typingUntil : 0, seenAt: e.seenAt };
  } catch {
    return undefined;
  }
}

/**
 * Who views which ticket, shared by all replicas: a Redis hash per ticket
 * (`<prefix>:realtime:presence:<ticketId>`), one field per socket. Each replica refreshes its own
 * sockets' entries every heartbeat; an entry not refreshed for `staleMs` (its replica died) no
 * longer counts and is removed by the next read. The hash itself expires when nobody refreshes it.
 */
export class PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** An entry older than this no longer counts. */
    readonly staleMs: number,
  ) {}

  key(ticketId: string): string {
    return `${this.prefix}:realtime:presence:${ticketId}`;
  }

  async put(ticketId: string, socketId: string, entry: PresenceEntry): Promise<void> {
    const key = this.key(ticketId);
    await this.redis.multi().hset(key, socketId, JSON.stringify(entry)).pexpire(key, this.staleMs * 2).exec();
  }

  async remove(ticketId: string, socketId: string): Promise<void> {
    await this.redis.hdel(this.key(ticketId), socketId);
  }

  /** Refreshes `seenAt` of the given sockets' entries (one round trip for all of a replica's sockets). */
  async heartbeat(entries: { ticketId: string; socketId: string; entry: PresenceEntry }[]): Promise<void> {
    if (!entries.length) return;
    const multi = this.redis.multi();
    for (const { ticketId, socketId, entry } of entries) {
      const key = this.key(ticketId);
      multi.hset(key, socketId, JSON.stringify(entry)).pexpire(key, this.staleMs * 2);
    }
    await multi.exec();
  }

  /** The agents on a ticket now; stale entries are deleted on the way. */
  async agents(ticketId: string, now = Date.now()): Promise<PresenceAgent[]> {
    const key = this.key(ticketId);
    const raw = await this.redis.hgetall(key);
    const entries: PresenceEntry[] = [];
    const stale: string[] = [];
    for (const [field, value] of Object.entries(raw)) {
      const e = parseEntry(value);
      if (!e || now - e.seenAt > this.staleMs) stale.push(field);
      else entries.push(e);
    }
    if (stale.length) await this.redis.hdel(key, ...stale);
    return presenceAgents(entries, now, this.staleMs);
  }
}
