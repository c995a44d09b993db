import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { AgentGroup } from './agent-group.entity.js';
import { Agent } from './agent.entity.js';
import { Company } from './company.entity.js';
import { Contact } from './contact.entity.js';
import { Status } from './status.entity.js';
import { ChannelKind, StatusKind, TicketPriority, TicketType } from './enums.js';

@Entity('tickets')
@Check('tickets_line_check', '"line" IN (1, 2)')
@Check('tickets_on_hold_until_check', `"status_kind" <> 'on_hold' OR "on_hold_until" IS NOT NULL`)
@Check('tickets_rating_check', `"rating" BETWEEN 1 AND 5`)
@Index('tickets_created_idx', ['createdAt'])
@Index('tickets_updated_idx', ['updatedAt'])
@Index('tickets_on_hold_due_idx', ['onHoldUntil'], { where: `"status_kind" = 'on_hold'` })
/** E-mail tickets the acknowledgement sweep has not looked at yet. */
@Index('tickets_acknowledgement_due_idx', ['createdAt'], { where: `"registration_channel" = 'email' AND "acknowledgement" IS NULL` })
/** Trigram index for the subject search; created in the migration, not managed by the entity. */
@Index('tickets_subject_trgm_idx', { synchronize: false })
export class Ticket {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human number from ticket_number_seq; what customers quote. */
  @Column({ type: 'bigint', unique: true, default: () => "nextval('ticket_number_seq')", transformer: { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  number: number;

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'status_key', type: 'text' })
  statusKey: string;

  @ManyToOne(() => Status, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'status_key' })
  status?: Relation<Status>;

  /** The kind of statusKey, kept beside it so lifecycle checks and filters need no join. */
  @Index()
  @Column({ name: 'status_kind', type: 'enum', enum: StatusKind, enumName: 'status_kind' })
  statusKind: StatusKind;

  @Column({ type: 'enum', enum: TicketPriority, enumName: 'ticket_priority', default: TicketPriority.Normal })
  priority: TicketPriority;

  @Column({ type: 'enum', enum: TicketType, enumName: 'ticket_type', default: TicketType.Question })
  type: TicketType;

  @Column({ name: 'registration_channel', type: 'enum', enum: ChannelKind, enumName: 'channel_kind' })
  registrationChannel: ChannelKind;

  @Index()
  @Column({ name: 'contact_id', type: 'uuid', nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact> | null;

  @Index()
  @Column({ name: 'company_id', type: 'uuid', nullable: true })
  companyId: string | null;

  @ManyToOne(() => Company, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'company_id' })
  company?: Relation<Company> | null;

  @Index()
  @Column({ name: 'responsible_agent_id', type: 'uuid', nullable: true })
  responsibleAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'responsible_agent_id' })
  responsibleAgent?: Relation<Agent> | null;

  @Index()
  @Column({ name: 'responsible_group_id', type: 'uuid', nullable: true })
  responsibleGroupId: string | null;

  @ManyToOne(() => AgentGroup, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'responsible_group_id' })
  responsibleGroup?: Relation<AgentGroup> | null;

  /** Support line: 1 or 2. */
  @Column({ type: 'smallint', default: 1 })
  line: number;

  @ManyToMany(() => Agent)
  @JoinTable({
    name: 'ticket_observers',
    joinColumn: { name: 'ticket_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'agent_id', referencedColumnName: 'id' },
  })
  observers?: Relation<Agent[]>;

  @Column({ name: 'custom_attributes', type: 'jsonb', default: () => "'{}'" })
  customAttributes: Record<string, unknown>;

  /** Set while the ticket is on hold: when it goes back to open. */
  @Column({ name: 'on_hold_until', type: 'timestamptz', nullable: true })
  onHoldUntil: Date | null;

  /** The ticket this one follows up (a customer writing after the reopen window). */
  @Index()
  @Column({ name: 'parent_ticket_id', type: 'uuid', nullable: true })
  parentTicketId: string | null;

  @ManyToOne(() => Ticket, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'parent_ticket_id' })
  parentTicket?: Relation<Ticket> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'first_response_at', type: 'timestamptz', nullable: true })
  firstResponseAt: Date | null;

  @Column({ name: 'first_response_seconds', type: 'integer', nullable: true })
  firstResponseSeconds: number | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** Open time only: the seconds spent in open/pending/on_hold up to the last resolution. */
  @Column({ name: 'resolution_seconds', type: 'integer', nullable: true })
  resolutionSeconds: number | null;

  /** Seconds accumulated in non-final kinds before activeSince. */
  @Column({ name: 'active_seconds', type: 'integer', default: 0 })
  activeSeconds: number;

  /** When the current stretch of open time began; null while resolved or closed. */
  @Column({ name: 'active_since', type: 'timestamptz', nullable: true })
  activeSince: Date | null;

  @Column({ name: 'last_customer_message_at', type: 'timestamptz', nullable: true })
  lastCustomerMessageAt: Date | null;

  /**
   * E-mail tickets: what became of the acknowledgement to the customer (an AcknowledgementState);
   * null until the acknowledgement sweep has looked at the ticket. Other channels leave it null.
   */
  @Column({ type: 'text', nullable: true })
  acknowledgement: string | null;

  /** The customer's rating of the answer, 1 (bad) to 5 (great), e.g. from the Telegram resolution survey; a later one replaces it. */
  @Column({ type: 'smallint', nullable: true })
  rating: number | null;

  /** When the customer gave `rating` (the channel's time of the answer). */
  @Column({ name: 'rated_at', type: 'timestamptz', nullable: true })
  ratedAt: Date | null;
}
