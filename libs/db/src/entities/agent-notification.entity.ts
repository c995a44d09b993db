import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Agent } from './agent.entity.js';
import { Message } from './message.entity.js';
import { Ticket } from './ticket.entity.js';

/** Something the console shows an agent in their notification list, e.g. an @mention in an internal note. */
@Entity('agent_notifications')
@Check('agent_notifications_kind_check', `"kind" IN ('mention')`)
/** `GET /me/notifications`: unread first, newest first. */
@Index('agent_notifications_agent_idx', ['agentId', 'readAt', 'createdAt'])
/** A note mentions an agent once, however often the name is written. */
@Index('agent_notifications_message_agent_key', ['messageId', 'agentId'], { unique: true })
export class AgentNotification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Relation<Agent>;

  @Column({ type: 'varchar', length: 20 })
  kind: 'mention';

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId: string | null;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<Message> | null;

  @Column({ name: 'actor_agent_id', type: 'uuid', nullable: true })
  actorAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_agent_id' })
  actorAgent?: Relation<Agent> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;
}

/** When an agent last opened a ticket: the inbox shows tickets with newer customer activity in bold. */
@Entity('ticket_reads')
@Index('ticket_reads_ticket_idx', ['ticketId'])
export class TicketRead {
  @Column({ name: 'agent_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'ticket_reads_pkey' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id' })
  agent?: Relation<Agent>;

  @Column({ name: 'ticket_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'ticket_reads_pkey' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;
}
