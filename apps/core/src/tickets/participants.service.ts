import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException, ErrorCode, notFound } from '@switchboard/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthAgent } from '../auth/auth.decorators.js';
import { inTransaction } from '../database/transaction.js';
import { queryRows } from '../database/sql.js';
import { recordEvents } from '../history/history.js';
import { participantPairs, type AddParticipantInput, type ParticipantKind } from './participants.schemas.js';
import { agentActor } from './tickets.service.js';

export interface ParticipantView {
  kind: ParticipantKind;
  value: string;
  /** The agent who added it, if any. */
  addedBy: { id: string; name: string } | null;
  createdAt: Date;
}

/**
 * Addresses allowed to write on a ticket besides its contact. A message from one of them that
 * threads by ticket number or id is public (and can reopen the ticket) instead of an internal
 * note with a warning; see the participant rule in docs/architecture.md.
 */
@Injectable()
export class ParticipantsService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(ticketId: string): Promise<{ items: ParticipantView[]; total: number }> {
    await this.ticketNumber(this.ds.manager, ticketId);
    const rows = await this.ds.query<(Omit<ParticipantView, 'addedBy'> & { agentId: string | null; agentName: string | null })[]>(
      `SELECT p.kind, p.value, p.added_by_agent_id AS "agentId", a.name AS "agentName", p.created_at AS "createdAt"
         FROM ticket_participants p LEFT JOIN agents a ON a.id = p.added_by_agent_id
        WHERE p.ticket_id = $1 ORDER BY p.created_at, p.kind, p.value`,
      [ticketId],
    );
    const items = rows.map(({ agentId, agentName, ...p }) => ({ ...p, addedBy: agentId ? { id: agentId, name: agentName ?? '' } : null }));
    return { items, total: items.length };
  }

  /** Adds what is not there yet (a repeat changes nothing) and records a history event per address added; answers the whole list. */
  async add(ticketId: string, input: AddParticipantInput, agent: AuthAgent): Promise<{ items: ParticipantView[]; total: number }> {
    const pairs = participantPairs(input);
    await inTransaction(this.ds, async (em) => {
      await this.ticketNumber(em, ticketId);
      const added = await em.query<{ kind: ParticipantKind; value: string }[]>(
        `INSERT INTO ticket_participants (ticket_id, kind, value, added_by_agent_id)
         SELECT $1, k, v, $4 FROM unnest($2::identity_kind[], $3::text[]) AS t (k, v)
         ON CONFLICT (ticket_id, kind, value) DO NOTHING
         RETURNING kind, value`,
        [ticketId, pairs.map((p) => p[0]), pairs.map((p) => p[1]), agent.id],
      );
      await recordEvents(
        em,
        added.map((p) => ({ ticketId, actor: agentActor(agent), kind: 'participant_added', data: { kind: p.kind, value: p.value } })),
      );
    });
    return this.list(ticketId);
  }

  async remove(ticketId: string, kind: ParticipantKind, value: string, agent: AuthAgent): Promise<void> {
    await inTransaction(this.ds, async (em) => {
      const number = await this.ticketNumber(em, ticketId);
      const removed = await queryRows(em, `DELETE FROM ticket_participants WHERE ticket_id = $1 AND kind = $2 AND value = $3 RETURNING kind`, [
        ticketId,
        kind,
        value,
      ]);
      if (!removed.length) throw new DomainException(ErrorCode.NotFound, `${kind} ${value} is not a participant of ticket #${number}`, 404);
      await recordEvents(em, [{ ticketId, actor: agentActor(agent), kind: 'participant_removed', data: { kind, value } }]);
    });
  }

  private async ticketNumber(em: EntityManager, ticketId: string): Promise<number> {
    const [t] = await em.query<{ number: number }[]>(`SELECT number::int AS number FROM tickets WHERE id = $1`, [ticketId]);
    if (!t) throw notFound('ticket', ticketId);
    return t.number;
  }
}
