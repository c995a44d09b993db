import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException, ErrorCode, notFound } from '@switchboard/common';
import { NotificationChannel, NotificationKey, StatusKind } from '@switchboard/db';
import type { DataSource } from 'typeorm';
import type { AuthAgent } from '../auth/auth.decorators.js';
import { queryRows } from '../database/sql.js';
import type { PreviewNotificationTemplateInput, UpdateNotificationTemplateInput } from './notification-templates.schemas.js';
import { renderTemplate, sampleContext, type RenderedNotification } from './templates.js';

export interface NotificationTemplateView {
  key: NotificationKey;
  channel: NotificationChannel;
  subject: string;
  bodyText: string;
  bodyHtml: string | null;
  enabled: boolean;
  statusKinds: StatusKind[];
  updatedAt: Date;
  updatedBy: { id: string; name: string } | null;
}

const SELECT = `
  SELECT n.key, n.channel, n.subject, n.body_text AS "bodyText", n.body_html AS "bodyHtml", n.enabled, n.status_kinds::text[] AS "statusKinds",
         n.updated_at AS "updatedAt", CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.id, 'name', a.name) END AS "updatedBy"
    FROM notification_templates n LEFT JOIN agents a ON a.id = n.updated_by_agent_id`;

/** The notification templates (`/notification-templates`): one row per notification and channel, seeded by the migration. */
@Injectable()
export class NotificationTemplatesService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(): Promise<{ items: NotificationTemplateView[]; total: number }> {
    const items = await this.ds.query<NotificationTemplateView[]>(`${SELECT} ORDER BY n.channel, array_position(ARRAY['ticket_created', 'status_changed', 'resolution_survey'], n.key::text)`);
    return { items, total: items.length };
  }

  async get(key: NotificationKey, channel: NotificationChannel): Promise<NotificationTemplateView> {
    const [row] = await this.ds.query<NotificationTemplateView[]>(`${SELECT} WHERE n.key = $1 AND n.channel = $2`, [key, channel]);
    if (!row) throw notFound('notification template', `${key} (${channel})`);
    return row;
  }

  async update(key: NotificationKey, channel: NotificationChannel, patch: UpdateNotificationTemplateInput, agent: AuthAgent): Promise<NotificationTemplateView> {
    if (patch.statusKinds && key !== NotificationKey.StatusChanged) {
      throw new DomainException(ErrorCode.ValidationFailed, `invalid notification template: statusKinds: only ${NotificationKey.StatusChanged} is sent on status changes`, 400, [
        { path: 'statusKinds', message: `only ${NotificationKey.StatusChanged} is sent on status changes` },
      ]);
    }
    if (patch.bodyHtml && channel !== NotificationChannel.Email) {
      const message = `${channel === NotificationChannel.Sms ? 'SMS are' : 'Telegram messages are'} sent as plain text (bodyText)`;
      throw new DomainException(ErrorCode.ValidationFailed, `invalid notification template: bodyHtml: ${message}`, 400, [{ path: 'bodyHtml', message }]);
    }
    const sets: string[] = [];
    const params: unknown[] = [key, channel, agent.id];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.subject !== undefined) set('subject', patch.subject);
    if (patch.bodyText !== undefined) set('body_text', patch.bodyText);
    if (patch.bodyHtml !== undefined) set('body_html', patch.bodyHtml);
    if (patch.enabled !== undefined) set('enabled', patch.enabled);
    if (patch.statusKinds !== undefined) set('status_kinds', patch.statusKinds, '::status_kind[]');
    const updated = await queryRows(
      this.ds,
      `UPDATE notification_templates SET ${[...sets, 'updated_at = now()', 'updated_by_agent_id = $3'].join(', ')}
        WHERE key = $1 AND channel = $2 RETURNING key`,
      params,
    );
    if (!updated.length) throw notFound('notification template', `${key} (${channel})`);
    return this.get(key, channel);
  }

  /** The template (or the unsaved texts given) rendered with a sample ticket, contact and company. */
  async preview(key: NotificationKey, channel: NotificationChannel, input: PreviewNotificationTemplateInput): Promise<RenderedNotification> {
    const stored = await this.get(key, channel);
    const kind = input.statusKind ?? (key === NotificationKey.TicketCreated ? StatusKind.Open : (stored.statusKinds[0] ?? StatusKind.Resolved));
    return renderTemplate(
      {
        subject: input.subject ?? stored.subject,
        bodyText: input.bodyText ?? stored.bodyText,
        bodyHtml: channel !== NotificationChannel.Email ? null : input.bodyHtml === undefined ? stored.bodyHtml : input.bodyHtml,
      },
      sampleContext(kind),
    );
  }
}
