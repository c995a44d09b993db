import { ActorKind } from '@switchboard/db';
import type { EntityManager } from 'typeorm';

export interface Actor {
  kind: ActorKind;
  agentId?: string | null;
  contactId?: string | null;
}

export const SYSTEM: Actor = { kind: ActorKind.System };

export interface HistoryEvent {
  ticketId: string;
  actor: Actor;
  kind: string;
  data?: Record<string, unknown>;
}

/** Appends history rows in one statement, inside the caller's transaction. */
export async function recordEvents(em: EntityManager, events: HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  const params: unknown[] = [];
  const rows = events.map((e, i) => {
    params.push(e.ticketId, e.actor.kind, e.actor.agentId ?? null, e.actor.contactId ?? null, e.kind, JSON.stringify(e.data ?? {}));
    const b = i * 6;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb)`;
  });
  await em.query(
    `INSERT INTO ticket_events (ticket_id, actor_kind, actor_agent_id, actor_contact_id, kind, data) VALUES ${rows.join(', ')}`,
    params,
  );
}
