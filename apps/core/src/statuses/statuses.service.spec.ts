import { Status, StatusKind, type Ticket } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { STATUS_CACHE_TTL_MS, StatusesService } from './statuses.service.js';

function status(key: string, kind: StatusKind, position: number): Status {
  return Object.assign(new Status(), { key, name: key, kind, position, isSystem: false });
}

/** A repository stand-in that counts reads, so the tests see when the cache goes to the table. */
function fakeRepository(rows: Status[]) {
  const repo = {
    reads: 0,
    rows,
    gate: undefined as Promise<void> | undefined,
    async find(): Promise<Status[]> {
      repo.reads++;
      const snapshot: Status[] = repo.rows.map((r) => ({ ...r }));
      await repo.gate;
      return snapshot;
    },
  };
  return repo;
}

describe('StatusesService cache', () => {
  const realNow = Date.now;
  let now: number;
  let repo: ReturnType<typeof fakeRepository>;
  let service: StatusesService;

  beforeEach(() => {
    now = 1_000_000;
    Date.now = () => now;
    repo = fakeRepository([status('open', StatusKind.Open, 10), status('waiting_vendor', StatusKind.Pending, 25)]);
    service = new StatusesService(repo as unknown as Repository<Status>, {} as Repository<Ticket>);
  });
  afterEach(() => (Date.now = realNow));

  it('answers from memory within the TTL and reloads after it', async () => {
    expect(await service.get('waiting_vendor')).toMatchObject({ kind: StatusKind.Pending });
    expect(await service.get('open')).toMatchObject({ kind: StatusKind.Open });
    expect(await service.get('nope')).toBeUndefined();
    expect(repo.reads).toBe(1);

    repo.rows.push(status('escalated', StatusKind.Open, 15));
    now += STATUS_CACHE_TTL_MS - 1;
    expect(await service.get('escalated')).toBeUndefined();
    now += 1;
    expect(await service.get('escalated')).toMatchObject({ key: 'escalated' });
    expect(repo.reads).toBe(2);
  });

  it('shares one read between concurrent callers', async () => {
    const results = await Promise.all([service.get('open'), service.get('open'), service.all()]);
    expect(repo.reads).toBe(1);
    expect(results[2].map((s) => s.key)).toEqual(['open', 'waiting_vendor']);
  });

  it('reloads at once after invalidate(), and a read that started before it does not fill the cache', async () => {
    let release!: () => void;
    repo.gate = new Promise<void>((r) => (release = r));
    const early = service.get('escalated');
    repo.rows.push(status('escalated', StatusKind.Open, 15));
    service.invalidate();
    repo.gate = undefined;
    release();
    expect(await early).toBeUndefined();
    expect(await service.get('escalated')).toMatchObject({ key: 'escalated' });
    expect(repo.reads).toBe(2);
  });

  it('hands out frozen statuses so callers cannot corrupt the cache', async () => {
    const open = await service.get('open');
    expect(Object.isFrozen(open)).toBe(true);
  });
});
