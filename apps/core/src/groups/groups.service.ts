import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, notFound } from '@switchboard/common';
import { Agent, AgentGroup, type AgentRole } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { page, skipTake, type Page, containsPattern as contains } from '../common/pagination.js';
import { pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import type { CreateGroupInput, ListGroupsQuery, UpdateGroupInput } from './groups.schemas.js';

export interface GroupView {
  id: string;
  name: string;
  line: number | null;
  /** Members, active or not. */
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupMember {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  active: boolean;
}

export interface GroupDetailView extends GroupView {
  members: GroupMember[];
}

export enum GroupErrorCode {
  NameTaken = 'group_name_taken',
}


@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(AgentGroup) private readonly groups: Repository<AgentGroup>,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
  ) {}

  /** Ordered by name, then id. */
  async list(query: ListGroupsQuery): Promise<Page<GroupView>> {
    const qb = this.groups.createQueryBuilder('g');
    if (query.line !== undefined) qb.andWhere('g.line = :line', { line: query.line });
    if (query.q) qb.andWhere('g.name ILIKE :q', { q: contains(query.q) });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('g.name', 'ASC').addOrderBy('g.id', 'ASC').offset(skip).limit(take).getManyAndCount();
    const counts = await this.memberCounts(rows.map((g) => g.id));
    return page(
      rows.map((g) => toGroupView(g, counts.get(g.id) ?? 0)),
      total,
      query,
    );
  }

  async get(id: string): Promise<GroupDetailView> {
    const group = await this.findOne(id);
    if (!group) throw notFound('group', id);
    const members = await this.agents.find({ where: { groups: { id } }, order: { name: 'ASC', id: 'ASC' } });
    return {
      ...toGroupView(group, members.length),
      members: members.map((a) => ({ id: a.id, name: a.name, email: a.email, role: a.role, active: a.active })),
    };
  }

  /** For other modules (routing, escalation): the group or null. */
  findOne(id: string): Promise<AgentGroup | null> {
    return this.groups.findOneBy({ id });
  }

  async create(input: CreateGroupInput): Promise<GroupDetailView> {
    await this.assertNameFree(input.name);
    const saved = await this.saveOrConflict(input.name, () => this.groups.save(this.groups.create({ name: input.name, line: input.line })));
    return this.get(saved.id);
  }

  async update(id: string, input: UpdateGroupInput): Promise<GroupDetailView> {
    const group = await this.findOne(id);
    if (!group) throw notFound('group', id);
    if (input.name !== undefined) await this.assertNameFree(input.name, id);
    if (input.name !== undefined) group.name = input.name;
    if (input.line !== undefined) group.line = input.line;
    await this.saveOrConflict(group.name, () => this.groups.save(group));
    return this.get(id);
  }

  /** Names are unique regardless of case: "2nd Line" next to "2nd line" would only confuse. */
  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const qb = this.groups.createQueryBuilder('g').where('lower(g.name) = lower(:name)', { name });
    if (exceptId) qb.andWhere('g.id <> :exceptId', { exceptId });
    const other = await qb.getOne();
    if (other) throw conflict(`a group named "${other.name}" already exists (${other.id})`, GroupErrorCode.NameTaken);
  }

  private async saveOrConflict<T>(name: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) throw conflict(`a group named "${name}" already exists`, GroupErrorCode.NameTaken);
      throw err;
    }
  }

  private async memberCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.agents
      .createQueryBuilder('a')
      .innerJoin('a.groups', 'g')
      .select('g.id', 'groupId')
      .addSelect('count(*)::int', 'count')
      .where('g.id IN (:...ids)', { ids })
      .groupBy('g.id')
      .getRawMany<{ groupId: string; count: number }>();
    return new Map(rows.map((r) => [r.groupId, r.count]));
  }
}

function toGroupView(g: AgentGroup, memberCount: number): GroupView {
  return { id: g.id, name: g.name, line: g.line, memberCount, createdAt: g.createdAt, updatedAt: g.updatedAt };
}
