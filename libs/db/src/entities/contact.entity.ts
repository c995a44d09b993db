import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Agent } from './agent.entity.js';
import { Company } from './company.entity.js';
import { ContactIdentity } from './contact-identity.entity.js';

@Entity('contacts')
/** Trigram index for the ticket search by contact name; created in the migration, not managed by the entity. */
@Index('contacts_name_trgm_idx', { synchronize: false })
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Index()
  @Column({ name: 'company_id', type: 'uuid', nullable: true })
  companyId: string | null;

  @ManyToOne(() => Company, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'company_id' })
  company?: Relation<Company> | null;

  /** The agent who looks after this customer (default responsible in routing). */
  @Column({ name: 'manager_id', type: 'uuid', nullable: true })
  managerId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Relation<Agent> | null;

  @OneToMany(() => ContactIdentity, (i) => i.contact, { cascade: true })
  identities?: Relation<ContactIdentity[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
