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

/**
 * A history event as ticket_events columns, for passing a list of events as one JSON parameter
 * (read back with HISTORY_RECORD). A missing ticketId is filled in by the statement.
 */
export function historyRow(e: Omit<HistoryEvent, 'ticketId'> & { ticketId?: string }) {
  return {
    ticket_id: e.ticketId ?? null,
    actor_kind: e.actor.kind,
    actor_agent_id: e.actor.agentId ?? null,
    actor_contact_id: e.actor.contactId ?? null,
    kind: e.kind,
    data: e.data ?? {},
  };
}

/** The column list of a historyRow, for jsonb_to_record(set). */
export const HISTORY_RECORD = '(ticket_id uuid, actor_kind actor_kind, actor_agent_id uuid, actor_contact_id uuid, kind text, data jsonb)';

/** Appends history rows in one statement (the same text for any number of rows), inside the caller's transaction. */
export async function recordEvents(em: EntityManager, events: HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  await em.query(
    `INSERT INTO ticket_events (ticket_id, actor_kind, actor_agent_id, actor_contact_id, kind, data)
     SELECT ticket_id, actor_kind, actor_agent_id, actor_contact_id, kind, data
       FROM jsonb_to_recordset($1::jsonb) AS e ${HISTORY_RECORD}`,
    [JSON.stringify(events.map(historyRow))],
  );
}
