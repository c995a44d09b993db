import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Contact } from './contact.entity.js';
import { IdentityKind } from './enums.js';

/** One way to reach a contact: an e-mail address (lower-case), an E.164 phone or a Telegram user id. */
@Entity('contact_identities')
@Unique('contact_identities_kind_value_key', ['kind', 'value'])
/** Trigram index for the ticket search by address or number; created in the migration, not managed by the entity. */
@Index('contact_identities_value_trgm_idx', { synchronize: false })
export class ContactIdentity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'contact_id', type: 'uuid' })
  contactId: string;

  @ManyToOne(() => Contact, (c) => c.identities, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Column({ type: 'enum', enum: IdentityKind, enumName: 'identity_kind' })
  kind: IdentityKind;

  @Column({ type: 'text' })
  value: string;

  /**
   * Telegram identities: the account's name and @username (without the @) as the customer's
   * latest message showed them. Kept per identity, not on the contact, because they describe the
   * Telegram account (a contact may have several, and renaming one must not rename the contact);
   * the contact's own name is only filled from it while it has none. Null for other kinds.
   */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'text', nullable: true })
  username: string | null;

  /**
   * When the customer asked for no more messages on this identity (an SMS "STOP", a CustomerEvent
   * `opt-out`); null while they may be written to. Nothing automatic is sent to an opted-out
   * identity, and an agent's reply to it is stored as failed instead of being sent.
   */
  @Column({ name: 'opted_out_at', type: 'timestamptz', nullable: true })
  optedOutAt: Date | null;

  /**
   * The time (the event's `at`) of the latest opt-out or opt-in applied, so a late, older event
   * never undoes a newer one. Null until the first.
   */
  @Column({ name: 'opt_out_changed_at', type: 'timestamptz', nullable: true })
  optOutChangedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
