import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';

/** Returns on-hold tickets whose time has come to open, with a history row each. */
@Injectable()
export class OnHoldService {
  private readonly logger = new Logger(OnHoldService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly realtime: RealtimePublisher,
  ) {}

  async resumeDue(now = new Date()): Promise<number> {
    const resumed = await this.ds.query<{ id: string }[]>(
      `WITH due AS (
         SELECT id, status_key, on_hold_until FROM tickets
          WHERE status_kind = 'on_hold' AND on_hold_until <= $1
          ORDER BY on_hold_until LIMIT 500 FOR UPDATE SKIP LOCKED
       ), moved AS (
         UPDATE tickets t SET status_key = 'open', status_kind = 'open', on_hold_until = NULL, updated_at = now()
           FROM due WHERE t.id = due.id
         RETURNING t.id, due.status_key AS from_key, due.on_hold_until
       )
       INSERT INTO ticket_events (ticket_id, actor_kind, kind, data)
       SELECT id, 'system', 'status_changed', jsonb_build_object('from', from_key, 'to', 'open', 'reason', 'on_hold_elapsed', 'onHoldUntil', on_hold_until)
         FROM moved
       RETURNING ticket_id AS id`,
      [now],
    );
    if (resumed.length) this.logger.log({ tickets: resumed.length }, 'resumed on-hold tickets');
    for (const { id } of resumed) this.realtime.ticketUpdated({ ticketId: id });
    return resumed.length;
  }
}
