import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, notFound } from '@switchboard/common';
import { Status, Ticket } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { page, skipTake, type Page } from '../common/pagination.js';
import { pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import type { CreateStatusInput, ListStatusesQuery, UpdateStatusInput } from './statuses.schemas.js';

export enum StatusErrorCode {
  KeyTaken = 'status_key_taken',
  SystemKindFixed = 'system_status_kind_fixed',
  InUse = 'status_in_use',
}

/**
 * How long get()/all() may serve statuses from memory. Writes through this service refresh it at
 * once; another replica's write is seen within this time.
 */
export const STATUS_CACHE_TTL_MS = 5_000;

/** A new status without a position goes after the last one, leaving room to insert between. */
const POSITION_STEP = 10;

interface StatusCache {
  loadedAt: number;
  list: readonly Readonly<Status>[];
  byKey: ReadonlyMap<string, Readonly<Status>>;
}

@Injectable()
export class StatusesService {
  private cache?: StatusCache;
  private loading?: Promise<StatusCache>;
  /** Bumped by invalidate(), so a load that started before a write does not cache what it read. */
  private generation = 0;

  constructor(
    @InjectRepository(Status) private readonly statuses: Repository<Status>,
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
  ) {}

  /** Ordered by position, then key. */
  async list(query: ListStatusesQuery): Promise<Page<Status>> {
    const { skip, take } = skipTake(query);
    const [items, total] = await this.statuses.findAndCount({
      where: query.kind ? { kind: query.kind } : {},
      order: { position: 'ASC', key: 'ASC' },
      skip,
      take,
    });
    return page(items, total, query);
  }

  async getOrFail(key: string): Promise<Status> {
    const status = await this.statuses.findOneBy({ key });
    if (!status) throw notFound('status', key);
    return status;
  }

  /** For hot paths (ticket lifecycle): a status by key from the in-memory cache, or undefined. */
  async get(key: string): Promise<Readonly<Status> | undefined> {
    return (await this.cached()).byKey.get(key);
  }

  /** Every status, by position, from the in-memory cache. */
  async all(): Promise<readonly Readonly<Status>[]> {
    return (await this.cached()).list;
  }

  /** Drops the cache; the next get() reads the table again. */
  invalidate(): void {
    this.generation++;
    this.cache = undefined;
    this.loading = undefined;
  }

  async create(input: CreateStatusInput): Promise<Status> {
    await this.assertKeyFree(input.key);
    const position = input.position ?? ((await this.statuses.maximum('position')) ?? 0) + POSITION_STEP;
    try {
      const saved = await this.statuses.save(this.statuses.create({ key: input.key, name: input.name, kind: input.kind, position, isSystem: false }));
      return saved;
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) await this.assertKeyFree(input.key);
      throw err;
    } finally {
      this.invalidate();
    }
  }

  /**
   * A system status keeps its kind (its key is the kind). A custom status can change kind only
   * while no ticket has it, because tickets keep the kind beside the key.
   */
  async update(key: string, input: UpdateStatusInput): Promise<Status> {
    const status = await this.getOrFail(key);
    if (input.kind !== undefined && input.kind !== status.kind) {
      if (status.isSystem) {
        throw conflict(`"${key}" is a system status: its kind is always ${status.kind}`, StatusErrorCode.SystemKindFixed);
      }
      const inUse = await this.tickets.countBy({ statusKey: key });
      if (inUse > 0) {
        throw conflict(`${inUse} ticket(s) have the status "${key}": move them to another status before changing its kind`, StatusErrorCode.InUse);
      }
      status.kind = input.kind;
    }
    if (input.name !== undefined) status.name = input.name;
    if (input.position !== undefined) status.position = input.position;
    try {
      return await this.statuses.save(status);
    } finally {
      this.invalidate();
    }
  }

  private async assertKeyFree(key: string): Promise<void> {
    const existing = await this.statuses.findOneBy({ key });
    if (existing) throw conflict(`a status with the key "${key}" already exists (${existing.name})`, StatusErrorCode.KeyTaken);
  }

  private cached(): Promise<StatusCache> {
    if (this.cache && Date.now() - this.cache.loadedAt < STATUS_CACHE_TTL_MS) return Promise.resolve(this.cache);
    // Concurrent callers after expiry share one query instead of stampeding the table.
    if (!this.loading) {
      const loading = this.load(this.generation).finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  private async load(generation: number): Promise<StatusCache> {
    const rows = await this.statuses.find({ order: { position: 'ASC', key: 'ASC' } });
    const list = rows.map((s) => Object.freeze(s));
    const cache: StatusCache = { loadedAt: Date.now(), list: Object.freeze(list), byKey: new Map(list.map((s) => [s.key, s])) };
    if (generation === this.generation) this.cache = cache;
    return cache;
  }
}
