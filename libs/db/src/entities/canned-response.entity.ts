import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';

/** A group of canned responses: the left column of the console's picker. */
@Entity('canned_response_groups')
export class CannedResponseGroup {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  /** Order in the picker (ascending, then name). */
  @Column({ type: 'integer', default: 0 })
  position: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * A prepared answer agents insert into a reply. `body` is Handlebars with the placeholders
 * `{{contact.name}}`, `{{ticket.number}}`, `{{ticket.subject}}`, `{{agent.name}}`…, checked when saved.
 */
@Entity('canned_responses')
@Index('canned_responses_group_position_idx', ['groupId', 'position'])
export class CannedResponse {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'group_id', type: 'uuid' })
  groupId: string;

  /** Deleting a group deletes its responses. */
  @ManyToOne(() => CannedResponseGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<CannedResponseGroup>;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
