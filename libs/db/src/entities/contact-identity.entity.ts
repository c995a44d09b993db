import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Contact } from './contact.entity.js';
import { IdentityKind } from './enums.js';

/** One way to reach a contact: an e-mail address (lower-case), an E.164 phone or a Telegram user id. */
@Entity('contact_identities')
@Unique('contact_identities_kind_value_key', ['kind', 'value'])
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
