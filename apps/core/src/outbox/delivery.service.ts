import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DeliveryStatus, type DeliveryReport } from '@switchboard/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { recordEvents, SYSTEM } from '../history/history.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';

/**
 * Delivery states only move forward: queued → sent → delivered or failed. A late or repeated
 * report (at-least-once delivery, providers reporting out of order) is ignored, so `sent` never
 * overwrites `delivered`. Failed and delivered are both final until an agent retries; a retry is
 * a new attempt, and reports about an earlier attempt no longer count.
 */
export const DELIVERY_RANK: Record<DeliveryStatus, number> = {
  [DeliveryStatus.Queued]: 0,
  [DeliveryStatus.Sent]: 1,
  [DeliveryStatus.Delivered]: 2,
  [DeliveryStatus.Failed]: 2,
};

export type DeliveryOutcome = 'applied' | 'stale' | 'unknown_message';

@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly realtime: RealtimePublisher,
  ) {}

  async apply(report: DeliveryReport): Promise<DeliveryOutcome> {
    let changed: { id: string; ticket_id: string; delivery_status: DeliveryStatus; delivery_error: string | null } | undefined;
    const outcome = await this.ds.transaction(async (em): Promise<DeliveryOutcome> => {
      const rank = DELIVERY_RANK[report.status];
      const updated = await queryRows<{ id: string; ticket_id: string; delivery_status: DeliveryStatus; delivery_error: string | null }>(
        em,
        `UPDATE messages
            SET delivery_status = $2, delivery_error = $3, delivery_updated_at = $4,
                external_id = COALESCE($5, external_id)
          WHERE id = $1 AND direction = 'outbound'
            AND (CASE delivery_status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 ELSE 2 END) < $6
            AND COALESCE((metadata #>> '{outbound,attempt}')::int, 1) <= $7
          RETURNING id, ticket_id, delivery_status, delivery_error`,
        [report.messageId, report.status, report.status === DeliveryStatus.Failed ? (report.reason ?? null) : null, new Date(report.at), report.externalId ?? null, rank, report.attempt],
      );
      const row = updated[0];
      if (!row) {
        const exists = await em.query<unknown[]>(`SELECT 1 FROM messages WHERE id = $1 AND direction = 'outbound'`, [report.messageId]);
        if (exists.length === 0) {
          this.logger.warn({ messageId: report.messageId, status: report.status }, 'delivery report for a message that does not exist');
          return 'unknown_message';
        }
        // A late report's aliases and segment count still describe the sent message.
        await this.storeAliases(em, report);
        await this.storeWireFacts(em, report);
        return 'stale';
      }
      await this.storeAliases(em, report);
      await this.storeWireFacts(em, report);
      if (report.status === DeliveryStatus.Failed) {
        await recordEvents(em, [{ ticketId: row.ticket_id, actor: SYSTEM, kind: 'delivery_failed', data: { messageId: row.id, reason: report.reason } }]);
      }
      changed = row;
      return 'applied';
    });
    // Committed: the message's state changes on the consoles showing it.
    if (changed) {
      this.realtime.messageDelivery({ ticketId: changed.ticket_id, messageId: changed.id, deliveryStatus: changed.delivery_status, deliveryError: changed.delivery_error });
    }
    return outcome;
  }

  /**
   * What the message took on the wire (SMS: `segments` and their `encoding`), kept in
   * `metadata.sms` and merged with what an earlier report said. A report about an earlier attempt
   * (a retry resent it) is not kept.
   */
  private async storeWireFacts(em: EntityManager, report: DeliveryReport): Promise<void> {
    const facts = { ...(report.segments !== undefined ? { segments: report.segments } : {}), ...(report.encoding ? { encoding: report.encoding } : {}) };
    if (Object.keys(facts).length === 0) return;
    await em.query(
      `UPDATE messages SET metadata = jsonb_set(coalesce(metadata, '{}'::jsonb), '{sms}', coalesce(metadata->'sms', '{}'::jsonb) || $2::jsonb)
        WHERE id = $1 AND direction = 'outbound' AND COALESCE((metadata #>> '{outbound,attempt}')::int, 1) <= $3`,
      [report.messageId, JSON.stringify(facts), report.attempt],
    );
  }

  private async storeAliases(em: EntityManager, report: DeliveryReport): Promise<void> {
    const aliases = [...new Set(report.aliases ?? [])];
    if (aliases.length === 0) return;
    await em.query(
      `INSERT INTO message_aliases (alias, message_id) SELECT a, $1 FROM unnest($2::text[]) AS a ON CONFLICT DO NOTHING`,
      [report.messageId, aliases],
    );
    this.logger.log({ messageId: report.messageId, aliases }, 'provider ids stored as aliases of the sent message');
  }
}
