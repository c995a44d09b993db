import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { DeliveryStatus } from '@switchboard/contracts';
import { ActorKind, ChannelKind, MessageDirection, ThreadedBy, Visibility } from './enums.js';
import { Agent } from './agent.entity.js';
import { Contact } from './contact.entity.js';
import { Ticket } from './ticket.entity.js';

@Entity('messages')
@Index('messages_ticket_created_idx', ['ticketId', 'createdAt'])
/** At-least-once delivery: the same inbound message (account + external id) is stored once. */
@Index('messages_inbound_dedup_key', ['channelAccountId', 'externalId'], { unique: true, where: `"direction" = 'inbound'` })
/** Threading by Message-ID (In-Reply-To / References). */
@Index('messages_external_id_idx', ['externalId'], { where: '"external_id" IS NOT NULL' })
/** Threading by channel conversation key (latest message first). */
@Index('messages_thread_key_idx', ['channelAccountId', 'threadKey', 'createdAt'], { where: '"thread_key" IS NOT NULL' })
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id' })
  ticket?: Relation<Ticket>;

  @Column({ type: 'enum', enum: MessageDirection, enumName: 'message_direction' })
  direction: MessageDirection;

  @Column({ name: 'author_kind', type: 'enum', enum: ActorKind, enumName: 'actor_kind' })
  authorKind: ActorKind;

  @Column({ name: 'author_contact_id', type: 'uuid', nullable: true })
  authorContactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_contact_id' })
  authorContact?: Relation<Contact> | null;

  @Column({ name: 'author_agent_id', type: 'uuid', nullable: true })
  authorAgentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_agent_id' })
  authorAgent?: Relation<Agent> | null;

  @Column({ type: 'enum', enum: Visibility, enumName: 'visibility' })
  visibility: Visibility;

  @Column({ type: 'enum', enum: ChannelKind, enumName: 'channel_kind' })
  channel: ChannelKind;

  /** The mailbox / bot / number the message came in on or goes out from. */
  @Column({ name: 'channel_account_id', type: 'text', nullable: true })
  channelAccountId: string | null;

  /** The channel's id: Message-ID, Telegram message id, SMS id. Unique per account for inbound. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  /** The customer's address on this channel: where an inbound message came from, where an outbound one went. */
  @Column({ name: 'contact_address', type: 'text', nullable: true })
  contactAddress: string | null;

  /** A channel conversation key, e.g. a Telegram chat id. */
  @Column({ name: 'thread_key', type: 'text', nullable: true })
  threadKey: string | null;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text' })
  text: string;

  /** Sanitised HTML. */
  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Column({ name: 'delivery_status', type: 'enum', enum: DeliveryStatus, enumName: 'delivery_status', nullable: true })
  deliveryStatus: DeliveryStatus | null;

  @Column({ name: 'delivery_error', type: 'text', nullable: true })
  deliveryError: string | null;

  @Column({ name: 'delivery_updated_at', type: 'timestamptz', nullable: true })
  deliveryUpdatedAt: Date | null;

  @Column({ name: 'threaded_by', type: 'enum', enum: ThreadedBy, enumName: 'threaded_by', default: ThreadedBy.New })
  threadedBy: ThreadedBy;

  /** The hint value that matched (ticket number, Message-ID, thread key). */
  @Column({ name: 'threaded_by_value', type: 'text', nullable: true })
  threadedByValue: string | null;

  @Column({ name: 'auto_submitted', type: 'boolean', default: false })
  autoSubmitted: boolean;

  /** The raw original (MIME source, update JSON), kept for audit. */
  @Column({ name: 'raw_attachment_id', type: 'uuid', nullable: true })
  rawAttachmentId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  /**
   * When the customer last edited the message in their app (the channel's time of the edit); null
   * if never. The text is the edited one; earlier texts are in the ticket's history (`message_edited`).
   */
  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
