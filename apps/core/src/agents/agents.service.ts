import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, forbidden, notFound, unprocessable } from '@switchboard/common';
import { Agent, AgentGroup, AgentRole } from '@switchboard/db';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import type { AuthAgent } from '../auth/auth.decorators.js';
import { hashPassword } from '../auth/password.js';
import { page, skipTake, type Page, containsPattern as contains } from '../common/pagination.js';
import { inTransaction, pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import type { CreateAgentInput, ListAgentsQuery, UpdateAgentInput } from './agents.schemas.js';

export interface GroupRef {
  id: string;
  name: string;
  line: number | null;
}

/** An agent as the API shows it: never the password hash. */
export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  groups: GroupRef[];
  createdAt: Date;
  updatedAt: Date;
}

export enum AgentErrorCode {
  EmailTaken = 'agent_email_taken',
  GroupNotFound = 'group_not_found',
  CannotDemoteSelf = 'cannot_demote_self',
  CannotDeactivateSelf = 'cannot_deactivate_self',
  LastActiveAdmin = 'last_active_admin',
}

/** `%q%` for ILIKE, with the pattern characters in q matched literally. */

@Injectable()
export class AgentsService {
  constructor(
    private readonly ds: DataSource,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
  ) {}

  /** Ordered by name, then id. */
  async list(query: ListAgentsQuery): Promise<Page<AgentView>> {
    const qb = this.agents.createQueryBuilder('a');
    if (query.role) qb.andWhere('a.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('a.active = :active', { active: query.active });
    if (query.groupId) {
      qb.andWhere('EXISTS (SELECT 1 FROM agent_group_members m WHERE m.agent_id = a.id AND m.group_id = :groupId)', { groupId: query.groupId });
    }
    if (query.q) qb.andWhere('(a.name ILIKE :q OR a.email ILIKE :q)', { q: contains(query.q) });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('a.name', 'ASC').addOrderBy('a.id', 'ASC').offset(skip).limit(take).getManyAndCount();
    const withGroups = await this.loadWithGroups(rows.map((a) => a.id));
    return page(
      rows.map((a) => toAgentView(withGroups.get(a.id) ?? a)),
      total,
      query,
    );
  }

  async get(id: string): Promise<AgentView> {
    const agent = await this.agents.findOne({ where: { id }, relations: { groups: true } });
    if (!agent) throw notFound('agent', id);
    return toAgentView(agent);
  }

  /** For other modules: the agent or null, without groups. */
  findOne(id: string): Promise<Agent | null> {
    return this.agents.findOneBy({ id });
  }

  async create(input: CreateAgentInput): Promise<AgentView> {
    await this.assertEmailFree(input.email);
    const groups = await this.findGroups(this.agents.manager, input.groupIds);
    const passwordHash = await hashPassword(input.password);
    try {
      const saved = await this.agents.save(
        this.agents.create({ email: input.email, name: input.name, role: input.role, passwordHash, groups }),
      );
      return this.get(saved.id);
    } catch (err) {
      // Two creations raced past assertEmailFree: the unique index decides.
      if (pgCode(err) === UNIQUE_VIOLATION) await this.assertEmailFree(input.email);
      throw err;
    }
  }

  /**
   * An admin cannot demote or deactivate themselves, and the last active admin cannot be demoted
   * or deactivated by anyone: the active admins are locked while deciding, so two admins demoting
   * each other at the same moment cannot both succeed.
   */
  async update(actor: AuthAgent, id: string, input: UpdateAgentInput): Promise<AgentView> {
    if (actor.id === id && input.role !== undefined && input.role !== AgentRole.Admin) {
      throw conflict('you cannot change your own role; ask another admin', AgentErrorCode.CannotDemoteSelf);
    }
    if (actor.id === id && input.active === false) {
      throw conflict('you cannot deactivate yourself; ask another admin', AgentErrorCode.CannotDeactivateSelf);
    }
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);

    await inTransaction(this.ds, async (em) => {
      const agent = await em.findOne(Agent, { where: { id }, relations: { groups: true } });
      if (!agent) throw notFound('agent', id);

      const removesAdmin =
        agent.role === AgentRole.Admin &&
        agent.active &&
        ((input.role !== undefined && input.role !== AgentRole.Admin) || input.active === false);
      if (removesAdmin) await this.assertAnotherActiveAdmin(em, actor, id);

      const patch: Partial<Agent> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.role !== undefined) patch.role = input.role;
      if (input.active !== undefined) patch.active = input.active;
      if (passwordHash !== undefined) patch.passwordHash = passwordHash;

      if (input.groupIds) {
        const groups = await this.findGroups(em, input.groupIds);
        const before = new Set((agent.groups ?? []).map((g) => g.id));
        const after = new Set(groups.map((g) => g.id));
        await em
          .createQueryBuilder()
          .relation(Agent, 'groups')
          .of(id)
          .addAndRemove(
            [...after].filter((g) => !before.has(g)),
            [...before].filter((g) => !after.has(g)),
          );
      }
      // Always written, so that a change of groups alone also moves updatedAt.
      await em.update(Agent, { id }, { ...patch, updatedAt: new Date() });
    });
    return this.get(id);
  }

  private async assertAnotherActiveAdmin(em: EntityManager, actor: AuthAgent, targetId: string): Promise<void> {
    const admins = await em
      .createQueryBuilder(Agent, 'a')
      .select('a.id')
      .where('a.role = :role AND a.active', { role: AgentRole.Admin })
      .orderBy('a.id')
      .setLock('pessimistic_write')
      .getMany();
    if (!admins.some((a) => a.id !== targetId)) {
      throw conflict('this is the last active admin: make another agent admin first', AgentErrorCode.LastActiveAdmin);
    }
    // The guard checked the actor before this transaction; a concurrent demotion may have won since.
    if (!admins.some((a) => a.id === actor.id)) throw forbidden('you are no longer an active admin');
  }

  private async assertEmailFree(email: string): Promise<void> {
    const owner = await this.agents.findOneBy({ email });
    if (owner) throw conflict(`an agent with the e-mail ${email} already exists (${owner.id})`, AgentErrorCode.EmailTaken);
  }

  private async findGroups(em: EntityManager, ids: string[]): Promise<AgentGroup[]> {
    if (ids.length === 0) return [];
    const groups = await em.findBy(AgentGroup, { id: In(ids) });
    const missing = ids.filter((id) => !groups.some((g) => g.id === id));
    if (missing.length) throw unprocessable(`no such group: ${missing.join(', ')}`, AgentErrorCode.GroupNotFound);
    return groups;
  }

  private async loadWithGroups(ids: string[]): Promise<Map<string, Agent>> {
    if (ids.length === 0) return new Map();
    const agents = await this.agents.find({ where: { id: In(ids) }, relations: { groups: true } });
    return new Map(agents.map((a) => [a.id, a]));
  }
}

export function toAgentView(a: Agent): AgentView {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    active: a.active,
    groups: (a.groups ?? [])
      .map((g) => ({ id: g.id, name: g.name, line: g.line }))
      .sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id)),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
