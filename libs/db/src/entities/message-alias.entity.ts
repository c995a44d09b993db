import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Message } from './message.entity.js';

/**
 * Another id a provider gave one of our sent messages besides the one we generated (an SMTP relay
 * that rewrites Message-IDs names the new id in its reply). A reply that references the alias
 * threads to the message. `alias` is a full id (`<x@y>`) or a bare token standing for the local
 * part of one.
 */
@Entity('message_aliases')
@Index('message_aliases_message_id_idx', ['messageId'])
export class MessageAlias {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'message_aliases_pkey' })
  alias: string;

  @PrimaryColumn({ name: 'message_id', type: 'uuid', primaryKeyConstraintName: 'message_aliases_pkey' })
  messageId: string;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<Message>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
