import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Agent } from './agent.entity.js';
import { NotificationChannel, NotificationKey, StatusKind } from './enums.js';

/**
 * The text of an automatic message to customers, one per notification and channel, written in
 * Handlebars (`{{ticket.number}}`, …). Seeded with English defaults; admins edit them through
 * `/notification-templates`.
 */
@Entity('notification_templates')
@Check('notification_templates_key_check', `"key" IN ('ticket_created', 'status_changed', 'resolution_survey')`)
@Check('notification_templates_channel_check', `"channel" IN ('email', 'telegram', 'sms')`)
export class NotificationTemplate {
  @PrimaryColumn({ type: 'varchar', length: 50, primaryKeyConstraintName: 'notification_templates_pkey' })
  key: NotificationKey;

  @PrimaryColumn({ type: 'varchar', length: 20, primaryKeyConstraintName: 'notification_templates_pkey' })
  channel: NotificationChannel;

  /** E-mail: the subject line. Telegram and SMS have none: there it is the subject of the message stored on the ticket. */
  @Column({ type: 'text' })
  subject: string;

  /** Plain text, rendered without HTML escaping. */
  @Column({ name: 'body_text', type: 'text' })
  bodyText: string;

  /** Optional HTML part, rendered with HTML escaping and sanitised; without it the text is sent as HTML too. */
  @Column({ name: 'body_html', type: 'text', nullable: true })
  bodyHtml: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** `status_changed` only: the status kinds whose reaching sends it. */
  @Column({ name: 'status_kinds', type: 'enum', enum: StatusKind, enumName: 'status_kind', array: true, default: '{}' })
  statusKinds: StatusKind[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'updated_by_agent_id', type: 'uuid', nullable: true })
  updatedByAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by_agent_id' })
  updatedByAgent?: Relation<Agent> | null;
}
