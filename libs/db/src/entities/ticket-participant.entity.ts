import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Agent } from './agent.entity.js';
import { IdentityKind } from './enums.js';
import { Ticket } from './ticket.entity.js';

/**
 * An address that may write on a ticket besides its contact (someone in copy, a sender an agent
 * let in): a message from it that threads by ticket number or id is public, not an internal note.
 * Values are normalised like contact identities (e-mail lower-case, phone E.164).
 */
@Entity('ticket_participants')
export class TicketParticipant {
  @PrimaryColumn({ name: 'ticket_id', type: 'uuid', primaryKeyConstraintName: 'ticket_participants_pkey' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;

  @PrimaryColumn({ type: 'enum', enum: IdentityKind, enumName: 'identity_kind', primaryKeyConstraintName: 'ticket_participants_pkey' })
  kind: IdentityKind;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'ticket_participants_pkey' })
  value: string;

  /** The agent who added it; null when added automatically or the agent was deleted. */
  @Column({ name: 'added_by_agent_id', type: 'uuid', nullable: true })
  addedByAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'added_by_agent_id' })
  addedByAgent?: Relation<Agent> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
