/**
 * The database work one inbound message needs, written as plainly as `pg` allows: no ORM, no
 * validation, no HTML sanitising. One transaction per message:
 *   identity lookup → (new sender: contact + identity insert) → (hint: thread lookup) →
 *   ticket insert, or ticket update on a reply → message insert (dedup by ON CONFLICT) → history rows.
 * This is the floor the core's inbound path is compared against (R_pg).
 */
import type { InboundMessageInput } from '@switchboard/contracts';
import type pg from 'pg';

const IDENTITY_KIND = { email: 'email', telegram: 'telegram', sms: 'phone', webform: 'email' } as const;

/** Core's rule (ticketSubject): the subject, else the first non-empty line, at most 250 characters. */
function subjectOf(m: InboundMessageInput): string {
  const s = m.subject?.replace(/\s+/g, ' ').trim() || m.text.split('\n').map((l) => l.trim()).find(Boolean);
  return s ? s.slice(0, 250) : '(no subject)';
}

function nativeIdentity(m: InboundMessageInput): [string, string] {
  const kind = IDENTITY_KIND[m.channel];
  const value = kind === 'email' ? m.sender.email! : kind === 'phone' ? m.sender.phone! : m.sender.telegramId!;
  return [kind, value.toLowerCase()];
}

export async function rawInboundTransaction(client: pg.ClientBase, m: InboundMessageInput): Promise<void> {
  const [kind, value] = nativeIdentity(m);
  await client.query('BEGIN');
  try {
    const found = await client.query<{ contact_id: string }>(
      `SELECT contact_id FROM contact_identities WHERE kind = $1 AND value = $2`,
      [kind, value],
    );
    let contactId = found.rows[0]?.contact_id;
    if (!contactId) {
      const c = await client.query<{ id: string }>(`INSERT INTO contacts (name) VALUES ($1) RETURNING id`, [m.sender.displayName ?? null]);
      contactId = c.rows[0].id;
      await client.query(
        `INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, $2, $3) ON CONFLICT (kind, value) DO NOTHING`,
        [contactId, kind, value],
      );
    }

    let ticket: { id: string } | undefined;
    let threadedBy: { by: string; value: string } | undefined;
    const hints = m.threadHints;
    if (hints?.messageIds?.length) {
      const row = (
        await client.query<{ id: string; external_id: string }>(
          `SELECT m.ticket_id AS id, m.external_id FROM messages m WHERE m.external_id = ANY($1::text[])
            ORDER BY array_position($1::text[], m.external_id), m.created_at DESC LIMIT 1`,
          [hints.messageIds],
        )
      ).rows[0];
      if (row) [ticket, threadedBy] = [row, { by: 'message_id', value: row.external_id }];
    } else if (hints?.threadKey) {
      ticket = (
        await client.query<{ id: string }>(
          `SELECT m.ticket_id AS id FROM messages m WHERE m.channel_account_id = $1 AND m.thread_key = $2
            ORDER BY m.created_at DESC LIMIT 1`,
          [m.channelAccountId, hints.threadKey],
        )
      ).rows[0];
      if (ticket) threadedBy = { by: 'thread_key', value: hints.threadKey };
    }

    const receivedAt = new Date(m.receivedAt);
    const events: string[] = [];
    if (ticket) {
      await client.query(`UPDATE tickets SET last_customer_message_at = $2, updated_at = now() WHERE id = $1`, [ticket.id, receivedAt]);
    } else {
      ticket = (
        await client.query<{ id: string }>(
          `INSERT INTO tickets (subject, status_key, status_kind, registration_channel, contact_id, active_since, last_customer_message_at)
           VALUES ($1, 'open', 'open', $2, $3, now(), $4) RETURNING id`,
          [subjectOf(m), m.channel, contactId, receivedAt],
        )
      ).rows[0]!;
      events.push('created');
    }

    const message = await client.query<{ id: string }>(
      `INSERT INTO messages (ticket_id, direction, author_kind, author_contact_id, visibility, channel, channel_account_id,
                             external_id, thread_key, subject, text, html, threaded_by, threaded_by_value, metadata, received_at,
                             contact_address)
       VALUES ($1, 'inbound', 'contact', $2, 'public', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14)
       ON CONFLICT (channel_account_id, external_id) WHERE direction = 'inbound' DO NOTHING
       RETURNING id`,
      [
        ticket.id,
        contactId,
        m.channel,
        m.channelAccountId,
        m.externalId,
        hints?.threadKey ?? null,
        m.subject ?? null,
        m.text,
        m.html ?? null,
        threadedBy?.by ?? 'new',
        threadedBy?.value ?? null,
        m.metadata ? JSON.stringify(m.metadata) : null,
        receivedAt,
        value,
      ],
    );
    events.push('message_added');
    const data = JSON.stringify({ messageId: message.rows[0]?.id, channel: m.channel });
    await client.query(
      `INSERT INTO ticket_events (ticket_id, actor_kind, actor_contact_id, kind, data)
       SELECT $1, 'contact', $2, k, $3::jsonb FROM unnest($4::text[]) AS k`,
      [ticket.id, contactId, data, events],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
