import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { conflict, notFound, unprocessable } from '@switchboard/common';
import type { DataSource } from 'typeorm';
import type { AuthAgent } from '../auth/auth.decorators.js';
import { containsPattern } from '../common/pagination.js';
import { queryRows } from '../database/sql.js';
import { pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import { renderText } from '../notifications/templates.js';
import type { CannedContext, CreateGroupInput, CreateResponseInput, ListCannedQuery, UpdateGroupInput, UpdateResponseInput } from './canned-responses.schemas.js';

export interface CannedResponseView {
  id: string;
  groupId: string;
  title: string;
  body: string;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CannedGroupView {
  id: string;
  name: string;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

export enum CannedErrorCode {
  GroupNameTaken = 'canned_group_name_taken',
}

const RESPONSE_COLUMNS = `id, group_id AS "groupId", title, body, position, created_at AS "createdAt", updated_at AS "updatedAt"`;
const GROUP_COLUMNS = `id, name, position, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Canned responses and their groups; agents read, admins write (see the controller). */
@Injectable()
export class CannedResponsesService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Every group (also empty ones) with its responses, both by position then name/title. */
  async grouped(q: ListCannedQuery) {
    const groups = await this.ds.query<CannedGroupView[]>(`SELECT ${GROUP_COLUMNS} FROM canned_response_groups ORDER BY position, name, id`);
    const params: unknown[] = [];
    let filter = '';
    if (q.q) {
      params.push(containsPattern(q.q));
      filter = `WHERE title ILIKE $1 OR body ILIKE $1`;
    }
    const responses = await this.ds.query<CannedResponseView[]>(`SELECT ${RESPONSE_COLUMNS} FROM canned_responses ${filter} ORDER BY position, title, id`, params);
    const byGroup = new Map<string, CannedResponseView[]>();
    for (const r of responses) byGroup.set(r.groupId, [...(byGroup.get(r.groupId) ?? []), r]);
    return {
      groups: groups
        .map((g) => ({ ...g, responses: byGroup.get(g.id) ?? [] }))
        // A search shows only the groups with a match.
        .filter((g) => !q.q || g.responses.length > 0),
    };
  }

  async groupList() {
    const items = await this.ds.query<CannedGroupView[]>(`SELECT ${GROUP_COLUMNS} FROM canned_response_groups ORDER BY position, name, id`);
    return { items, total: items.length };
  }

  async createGroup(input: CreateGroupInput): Promise<CannedGroupView> {
    const rows = await this.uniqueName(input.name, () =>
      this.ds.query<CannedGroupView[]>(
        `INSERT INTO canned_response_groups (name, position)
         VALUES ($1, COALESCE($2, (SELECT COALESCE(max(position) + 1, 0) FROM canned_response_groups))) RETURNING ${GROUP_COLUMNS}`,
        [input.name, input.position ?? null],
      ),
    );
    return rows[0];
  }

  async updateGroup(id: string, input: UpdateGroupInput): Promise<CannedGroupView> {
    const [row] = await this.uniqueName(input.name ?? '', () =>
      queryRows<CannedGroupView>(
        this.ds,
        `UPDATE canned_response_groups SET name = COALESCE($2, name), position = COALESCE($3, position), updated_at = now() WHERE id = $1 RETURNING ${GROUP_COLUMNS}`,
        [id, input.name ?? null, input.position ?? null],
      ),
    );
    if (!row) throw notFound('canned response group', id);
    return row;
  }

  /** Deletes the group and its responses. */
  async removeGroup(id: string): Promise<void> {
    const [, count] = await this.ds.query<[unknown, number]>(`DELETE FROM canned_response_groups WHERE id = $1`, [id]);
    if (!count) throw notFound('canned response group', id);
  }

  async get(id: string): Promise<CannedResponseView> {
    const [row] = await this.ds.query<CannedResponseView[]>(`SELECT ${RESPONSE_COLUMNS} FROM canned_responses WHERE id = $1`, [id]);
    if (!row) throw notFound('canned response', id);
    return row;
  }

  async create(input: CreateResponseInput): Promise<CannedResponseView> {
    await this.assertGroup(input.groupId);
    const [row] = await this.ds.query<CannedResponseView[]>(
      `INSERT INTO canned_responses (group_id, title, body, position)
       VALUES ($1, $2, $3, COALESCE($4, (SELECT COALESCE(max(position) + 1, 0) FROM canned_responses WHERE group_id = $1))) RETURNING ${RESPONSE_COLUMNS}`,
      [input.groupId, input.title, input.body, input.position ?? null],
    );
    return row;
  }

  async update(id: string, input: UpdateResponseInput): Promise<CannedResponseView> {
    if (input.groupId) await this.assertGroup(input.groupId);
    const rows = await queryRows<CannedResponseView>(
      this.ds,
      `UPDATE canned_responses SET group_id = COALESCE($2, group_id), title = COALESCE($3, title), body = COALESCE($4, body),
              position = COALESCE($5, position), updated_at = now()
        WHERE id = $1 RETURNING ${RESPONSE_COLUMNS}`,
      [id, input.groupId ?? null, input.title ?? null, input.body ?? null, input.position ?? null],
    );
    if (!rows[0]) throw notFound('canned response', id);
    return rows[0];
  }

  async remove(id: string): Promise<void> {
    const [, count] = await this.ds.query<[unknown, number]>(`DELETE FROM canned_responses WHERE id = $1`, [id]);
    if (!count) throw notFound('canned response', id);
  }

  /** The response's body with the placeholders filled from the ticket and the calling agent. */
  async render(id: string, ticketId: string, agent: AuthAgent): Promise<{ body: string }> {
    const response = await this.get(id);
    const [t] = await this.ds.query<{ number: number; subject: string; contact_name: string | null; contact_email: string | null; company_name: string | null }[]>(
      `SELECT t.number::int AS number, t.subject, c.name AS contact_name, co.name AS company_name,
              (SELECT ci.value FROM contact_identities ci WHERE ci.contact_id = t.contact_id AND ci.kind = 'email' ORDER BY ci.created_at LIMIT 1) AS contact_email
         FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id
        WHERE t.id = $1`,
      [ticketId],
    );
    if (!t) throw unprocessable(`ticket ${ticketId} does not exist`);
    const ctx: CannedContext = {
      contact: { name: t.contact_name ?? '', email: t.contact_email ?? '' },
      company: { name: t.company_name ?? '' },
      ticket: { number: t.number, subject: t.subject },
      agent: { name: agent.name, email: agent.email },
    };
    return { body: renderText(response.body, ctx) };
  }

  private async assertGroup(id: string): Promise<void> {
    const rows = await this.ds.query<unknown[]>(`SELECT 1 FROM canned_response_groups WHERE id = $1`, [id]);
    if (!rows.length) throw unprocessable(`canned response group ${id} does not exist`);
  }

  private async uniqueName<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) throw conflict(`a canned response group named "${name}" exists already`, CannedErrorCode.GroupNameTaken);
      throw err;
    }
  }
}
