import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, notFound } from '@switchboard/common';
import { Company, CompanyDomain } from '@switchboard/db';
import { DataSource, In, Not, type EntityManager, type Repository } from 'typeorm';
import { page, skipTake, type Page, containsPattern as contains } from '../common/pagination.js';
import { inTransaction, pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import type { CreateCompanyInput, ListCompaniesQuery, UpdateCompanyInput } from './companies.schemas.js';

export interface CompanyView {
  id: string;
  name: string;
  /** E-mail domains, sorted; contacts with an address there are bound to the company when created. */
  domains: string[];
  createdAt: Date;
  updatedAt: Date;
}

export enum CompanyErrorCode {
  NameTaken = 'company_name_taken',
  DomainTaken = 'domain_taken',
}


@Injectable()
export class CompaniesService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Company) private readonly companies: Repository<Company>,
    @InjectRepository(CompanyDomain) private readonly domains: Repository<CompanyDomain>,
  ) {}

  /** Ordered by name, then id; `q` matches a substring of the name or of any domain. */
  async list(query: ListCompaniesQuery): Promise<Page<CompanyView>> {
    const qb = this.companies.createQueryBuilder('c');
    if (query.q) {
      qb.andWhere('(c.name ILIKE :q OR EXISTS (SELECT 1 FROM company_domains d WHERE d.company_id = c.id AND d.domain ILIKE :q))', {
        q: contains(query.q),
      });
    }
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('c.name', 'ASC').addOrderBy('c.id', 'ASC').offset(skip).limit(take).getManyAndCount();
    const domains = rows.length ? await this.domains.findBy({ companyId: In(rows.map((c) => c.id)) }) : [];
    return page(
      rows.map((c) => toCompanyView({ ...c, domains: domains.filter((d) => d.companyId === c.id) })),
      total,
      query,
    );
  }

  async get(id: string): Promise<CompanyView> {
    const company = await this.companies.findOne({ where: { id }, relations: { domains: true } });
    if (!company) throw notFound('company', id);
    return toCompanyView(company);
  }

  /** For other modules: the company or null. */
  findOne(id: string): Promise<Company | null> {
    return this.companies.findOneBy({ id });
  }

  /** The company owning a (normalised) e-mail domain, for binding contacts. */
  async findByDomain(domain: string, em: EntityManager = this.companies.manager): Promise<Company | null> {
    const owner = await em.findOne(CompanyDomain, { where: { domain }, relations: { company: true } });
    return owner?.company ?? null;
  }

  async create(input: CreateCompanyInput): Promise<CompanyView> {
    const saved = await this.conflictsExplained(input.name, input.domains, undefined, () =>
      inTransaction(this.ds, async (em) => {
        await this.assertAvailable(em, input.name, input.domains);
        const company = await em.save(Company, em.create(Company, { name: input.name }));
        if (input.domains.length) await em.insert(CompanyDomain, input.domains.map((domain) => ({ domain, companyId: company.id })));
        return company;
      }),
    );
    return this.get(saved.id);
  }

  /** `domains`, when sent, replaces the company's set of domains. */
  async update(id: string, input: UpdateCompanyInput): Promise<CompanyView> {
    await this.conflictsExplained(input.name, input.domains ?? [], id, () =>
      inTransaction(this.ds, async (em) => {
        const company = await em.findOneBy(Company, { id });
        if (!company) throw notFound('company', id);
        await this.assertAvailable(em, input.name, input.domains ?? [], id);
        if (input.domains) {
          const keep = input.domains;
          await em.delete(CompanyDomain, keep.length ? { companyId: id, domain: Not(In(keep)) } : { companyId: id });
          const have = new Set((await em.findBy(CompanyDomain, { companyId: id })).map((d) => d.domain));
          const add = keep.filter((d) => !have.has(d));
          if (add.length) await em.insert(CompanyDomain, add.map((domain) => ({ domain, companyId: id })));
        }
        await em.update(Company, { id }, { ...(input.name === undefined ? {} : { name: input.name }), updatedAt: new Date() });
      }),
    );
    return this.get(id);
  }

  private async assertAvailable(em: EntityManager, name: string | undefined, domains: string[], exceptId?: string): Promise<void> {
    if (name !== undefined) {
      const qb = em.createQueryBuilder(Company, 'c').where('lower(c.name) = lower(:name)', { name });
      if (exceptId) qb.andWhere('c.id <> :exceptId', { exceptId });
      const other = await qb.getOne();
      if (other) throw conflict(`a company named "${other.name}" already exists (${other.id})`, CompanyErrorCode.NameTaken);
    }
    if (domains.length) {
      const owned = await em.find(CompanyDomain, {
        where: { domain: In(domains), ...(exceptId ? { companyId: Not(exceptId) } : {}) },
        relations: { company: true },
        order: { domain: 'ASC' },
      });
      if (owned.length) {
        const d = owned[0];
        throw conflict(`the domain ${d.domain} already belongs to the company "${d.company?.name}" (${d.companyId})`, CompanyErrorCode.DomainTaken);
      }
    }
  }

  /** A unique violation means a concurrent write took the name or a domain: explain which, as the pre-check would have. */
  private async conflictsExplained<T>(name: string | undefined, domains: string[], exceptId: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) await this.assertAvailable(this.companies.manager, name, domains, exceptId);
      throw err;
    }
  }
}

export function toCompanyView(c: Company): CompanyView {
  return {
    id: c.id,
    name: c.name,
    domains: (c.domains ?? []).map((d) => d.domain).sort(),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
