import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Ticket } from './ticket.entity.js';
import { ActorKind } from './enums.js';

/** The ticket's history: who changed what, when. Append-only. */
@Entity('ticket_events')
@Index('ticket_events_ticket_idx', ['ticketId', 'id'])
export class TicketEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;

  @Column({ name: 'actor_kind', type: 'enum', enum: ActorKind, enumName: 'actor_kind' })
  actorKind: ActorKind;

  @Column({ name: 'actor_agent_id', type: 'uuid', nullable: true })
  actorAgentId: string | null;

  @Column({ name: 'actor_contact_id', type: 'uuid', nullable: true })
  actorContactId: string | null;

  /** created, message_added, status_changed, reopened, followed_up, assigned, escalated, updated, … */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
