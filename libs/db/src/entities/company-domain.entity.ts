import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Company } from './company.entity.js';

/** An e-mail domain that binds new contacts to a company; a domain belongs to one company. */
@Entity('company_domains')
export class CompanyDomain {
  /** Lower-case, without "@". */
  @PrimaryColumn({ type: 'text' })
  domain: string;

  @Index()
  @Column({ name: 'company_id', type: 'uuid' })
  companyId: string;

  @ManyToOne(() => Company, (c) => c.domains, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'company_id' })
  company?: Relation<Company>;
}
