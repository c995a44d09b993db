import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { notFound } from '@switchboard/common';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql.js';
import type { PageQuery } from '../common/pagination.js';

interface NotificationRow {
  id: string;
  kind: string;
  ticket_id: string;
  ticket_number: number;
  ticket_subject: string;
  message_id: string | null;
  excerpt: string | null;
  actor_agent_id: string | null;
  actor_agent_name: string | null;
  created_at: Date;
  read_at: Date | null;
}

const view = (r: NotificationRow) => ({
  id: r.id,
  kind: r.kind,
  ticket: { id: r.ticket_id, number: r.ticket_number, subject: r.ticket_subject },
  messageId: r.message_id,
  /** The start of the note, for the notification list. */
  excerpt: r.excerpt,
  actor: r.actor_agent_id ? { id: r.actor_agent_id, name: r.actor_agent_name } : null,
  createdAt: r.created_at,
  readAt: r.read_at,
});

/** The calling agent's own notifications (`/me/notifications`). */
@Injectable()
export class AgentNotificationsService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Unread first, then newest first. */
  async list(agentId: string, q: PageQuery & { unread?: boolean }) {
    const filter = q.unread ? 'AND n.read_at IS NULL' : '';
    const rows = await this.ds.query<NotificationRow[]>(
      `SELECT n.id, n.kind, n.ticket_id, t.number::int AS ticket_number, t.subject AS ticket_subject, n.message_id,
              left(m.text, 200) AS excerpt, n.actor_agent_id, a.name AS actor_agent_name, n.created_at, n.read_at
         FROM agent_notifications n
         JOIN tickets t ON t.id = n.ticket_id
         LEFT JOIN messages m ON m.id = n.message_id
         LEFT JOIN agents a ON a.id = n.actor_agent_id
        WHERE n.agent_id = $1 ${filter}
        ORDER BY (n.read_at IS NULL) DESC, n.created_at DESC, n.id DESC
        LIMIT $2 OFFSET $3`,
      [agentId, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const [{ total, unread }] = await this.ds.query<{ total: number; unread: number }[]>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM agent_notifications n WHERE agent_id = $1 ${filter}`,
      [agentId],
    );
    return { items: rows.map(view), total, unread, page: q.page, pageSize: q.pageSize };
  }

  async markRead(agentId: string, id: string): Promise<{ id: string; readAt: Date }> {
    // Another agent's notification is a 404, as if it did not exist. Reading it again keeps the first read_at.
    const [row] = await queryRows<{ id: string; read_at: Date }>(
      this.ds,
      `UPDATE agent_notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND agent_id = $2 RETURNING id, read_at`,
      [id, agentId],
    );
    if (!row) throw notFound('notification', id);
    return { id: row.id, readAt: row.read_at };
  }

  async markAllRead(agentId: string): Promise<{ marked: number }> {
    const rows = await queryRows<{ id: string }>(this.ds, `UPDATE agent_notifications SET read_at = now() WHERE agent_id = $1 AND read_at IS NULL RETURNING id`, [agentId]);
    return { marked: rows.length };
  }
}
