import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainException, emailDomain, normalizeIdentity, notFound, unprocessable } from '@switchboard/common';
import { Contact, ContactIdentity, IdentityKind } from '@switchboard/db';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import { AgentsService } from '../agents/agents.service.js';
import { CompaniesService } from '../companies/companies.service.js';
import { page, skipTake, type Page, containsPattern as contains } from '../common/pagination.js';
import { inTransaction, pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import type { CreateContactInput, IdentityInput, ListContactsQuery, UpdateContactInput } from './contacts.schemas.js';

export interface IdentityView {
  id: string;
  kind: IdentityKind;
  value: string;
  /** Telegram identities only: the account's name and @username (without the @) as its latest message showed them. */
  displayName?: string | null;
  username?: string | null;
  /** When the customer opted out of messages on this identity (an SMS STOP); null while they may be written to. */
  optedOutAt: Date | null;
  createdAt: Date;
}

export interface ContactView {
  id: string;
  name: string | null;
  companyId: string | null;
  company: { id: string; name: string } | null;
  managerId: string | null;
  manager: { id: string; name: string; email: string } | null;
  /** Sorted by kind (email, phone, telegram), then value. */
  identities: IdentityView[];
  createdAt: Date;
  updatedAt: Date;
}

export enum ContactErrorCode {
  IdentityTaken = 'identity_taken',
  CompanyNotFound = 'company_not_found',
  ManagerNotFound = 'manager_not_found',
  Empty = 'contact_empty',
}

/** A query that could be (part of) a phone number as people type it: "+44 20 7183", "(202) 456-11". */
const PHONE_LIKE = /^[+0-9\s().\-/]+$/;
const KIND_ORDER = Object.values(IdentityKind);

@Injectable()
export class ContactsService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Contact) private readonly contacts: Repository<Contact>,
    @InjectRepository(ContactIdentity) private readonly identities: Repository<ContactIdentity>,
    private readonly companies: CompaniesService,
    private readonly agents: AgentsService,
  ) {}

  /** Newest first (then id); `q` matches a substring of the name or of any identity value. */
  async list(query: ListContactsQuery): Promise<Page<ContactView>> {
    const qb = this.contacts.createQueryBuilder('c');
    if (query.companyId) qb.andWhere('c.company_id = :companyId', { companyId: query.companyId });
    if (query.managerId) qb.andWhere('c.manager_id = :managerId', { managerId: query.managerId });
    if (query.q) {
      const params: Record<string, string> = { q: contains(query.q) };
      let identityMatch = 'i.value ILIKE :q';
      // Phones are stored in E.164, so "+44 20 7183" must be compared digit by digit.
      const digits = query.q.replace(/\D/g, '').replace(/^00/, '');
      if (PHONE_LIKE.test(query.q) && digits.length >= 3) {
        identityMatch += ` OR (i.kind = 'phone' AND i.value LIKE :digits)`;
        params.digits = `%${digits}%`;
      }
      qb.andWhere(`(c.name ILIKE :q OR EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = c.id AND (${identityMatch})))`, params);
    }
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').offset(skip).limit(take).getManyAndCount();
    const full = rows.length ? await this.contacts.find({ where: { id: In(rows.map((c) => c.id)) }, relations: { identities: true, company: true, manager: true } }) : [];
    const byId = new Map(full.map((c) => [c.id, c]));
    return page(
      rows.map((c) => toContactView(byId.get(c.id) ?? c)),
      total,
      query,
    );
  }

  async get(id: string): Promise<ContactView> {
    const contact = await this.contacts.findOne({ where: { id }, relations: { identities: true, company: true, manager: true } });
    if (!contact) throw notFound('contact', id);
    return toContactView(contact);
  }

  /** For the inbound pipeline: the contact owning an identity, or null. The value is normalised first (InvalidIdentityError if it cannot be). */
  async findByIdentity(kind: IdentityKind, value: string, em: EntityManager = this.contacts.manager): Promise<Contact | null> {
    const identity = await em.findOne(ContactIdentity, { where: { kind, value: normalizeIdentity(kind, value) }, relations: { contact: true } });
    return identity?.contact ?? null;
  }

  /** The company owning the domain of the first e-mail identity that has one, or null. */
  async companyIdForIdentities(identities: IdentityInput[], em: EntityManager = this.contacts.manager): Promise<string | null> {
    for (const i of identities) {
      if (i.kind !== IdentityKind.Email) continue;
      const company = await this.companies.findByDomain(emailDomain(i.value), em);
      if (company) return company.id;
    }
    return null;
  }

  async create(input: CreateContactInput): Promise<ContactView> {
    await this.assertReferences(input.companyId, input.managerId);
    const id = await this.conflictsExplained(input.identities, undefined, () =>
      inTransaction(this.ds, async (em) => {
        await this.assertIdentitiesFree(em, input.identities);
        const companyId = input.companyId !== undefined ? input.companyId : await this.companyIdForIdentities(input.identities, em);
        const contact = await em.save(Contact, em.create(Contact, { name: input.name ?? null, companyId, managerId: input.managerId ?? null }));
        if (input.identities.length) await em.insert(ContactIdentity, input.identities.map((i) => ({ ...i, contactId: contact.id })));
        return contact.id;
      }),
    );
    return this.get(id);
  }

  /**
   * `identities`, when sent, replaces the set (unlisted ones are removed). When it is sent without
   * `companyId` and the contact has no company, the contact is bound by e-mail domain as on creation.
   */
  async update(id: string, input: UpdateContactInput): Promise<ContactView> {
    await this.assertReferences(input.companyId, input.managerId);
    await this.conflictsExplained(input.identities ?? [], id, () =>
      inTransaction(this.ds, async (em) => {
        const contact = await em.findOne(Contact, { where: { id }, relations: { identities: true } });
        if (!contact) throw notFound('contact', id);
        const patch: Partial<Contact> = {};
        if (input.name !== undefined) patch.name = input.name;
        if (input.companyId !== undefined) patch.companyId = input.companyId;
        if (input.managerId !== undefined) patch.managerId = input.managerId;

        const current = contact.identities ?? [];
        if (input.identities) {
          const key = (i: { kind: IdentityKind; value: string }) => `${i.kind}:${i.value}`;
          const wanted = new Set(input.identities.map(key));
          const have = new Set(current.map(key));
          const remove = current.filter((i) => !wanted.has(key(i)));
          const add = input.identities.filter((i) => !have.has(key(i)));
          await this.assertIdentitiesFree(em, add, id);
          if (remove.length) await em.delete(ContactIdentity, { id: In(remove.map((i) => i.id)) });
          if (add.length) await em.insert(ContactIdentity, add.map((i) => ({ ...i, contactId: id })));
          if (input.companyId === undefined && contact.companyId === null) {
            const companyId = await this.companyIdForIdentities(input.identities, em);
            if (companyId) patch.companyId = companyId;
          }
        }

        const name = input.name !== undefined ? input.name : contact.name;
        const identityCount = input.identities ? input.identities.length : current.length;
        if (!name && identityCount === 0) throw unprocessable('a contact needs a name or at least one identity', ContactErrorCode.Empty);
        await em.update(Contact, { id }, { ...patch, updatedAt: new Date() });
      }),
    );
    return this.get(id);
  }

  private async assertReferences(companyId: string | null | undefined, managerId: string | null | undefined): Promise<void> {
    if (companyId && !(await this.companies.findOne(companyId))) {
      throw unprocessable(`company ${companyId} does not exist`, ContactErrorCode.CompanyNotFound);
    }
    if (managerId && !(await this.agents.findOne(managerId))) {
      throw unprocessable(`manager: agent ${managerId} does not exist`, ContactErrorCode.ManagerNotFound);
    }
  }

  private async assertIdentitiesFree(em: EntityManager, identities: IdentityInput[], exceptContactId?: string): Promise<void> {
    if (identities.length === 0) return;
    const owned = await em.find(ContactIdentity, { where: identities.map((i) => ({ kind: i.kind, value: i.value })), order: { kind: 'ASC', value: 'ASC' } });
    const taken = owned.find((i) => i.contactId !== exceptContactId);
    if (taken) {
      throw new DomainException(
        ContactErrorCode.IdentityTaken,
        `the ${taken.kind} ${taken.value} already belongs to contact ${taken.contactId}`,
        HttpStatus.CONFLICT,
        { kind: taken.kind, value: taken.value, contactId: taken.contactId },
      );
    }
  }

  /** A unique violation means a concurrent write took an identity: explain which, as the pre-check would have. */
  private async conflictsExplained<T>(identities: IdentityInput[], exceptContactId: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) await this.assertIdentitiesFree(this.identities.manager, identities, exceptContactId);
      throw err;
    }
  }
}

export function toContactView(c: Contact): ContactView {
  return {
    id: c.id,
    name: c.name,
    companyId: c.companyId,
    company: c.company ? { id: c.company.id, name: c.company.name } : null,
    managerId: c.managerId,
    manager: c.manager ? { id: c.manager.id, name: c.manager.name, email: c.manager.email } : null,
    identities: (c.identities ?? [])
      .map((i) => ({
        id: i.id,
        kind: i.kind,
        value: i.value,
        ...(i.kind === IdentityKind.Telegram ? { displayName: i.displayName, username: i.username } : {}),
        optedOutAt: i.optedOutAt,
        createdAt: i.createdAt,
      }))
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.value.localeCompare(b.value)),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
