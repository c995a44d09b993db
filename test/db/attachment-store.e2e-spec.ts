import { ATTACHMENT_CHUNK_BYTES, AttachmentTooLarge, dataSourceOptions, openAttachment, readAttachment, storeAttachment } from '@switchboard/db';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The attachment store against the run's database: chunked writes, reads, rollback. */
describe('attachment store (real Postgres)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource(dataSourceOptions({ url: process.env.DATABASE_URL!, poolSize: 4, applicationName: 'switchboard-attachment-store-test' }));
    await ds.initialize();
    await ds.runMigrations();
  });
  afterAll(async () => {
    await ds.destroy();
  });

  const chunkSizes = async (id: string) =>
    (await ds.query<{ seq: number; bytes: number }[]>(`SELECT seq, length(content) AS bytes FROM attachment_blobs WHERE attachment_id = $1 ORDER BY seq`, [id])).map(
      (r) => [r.seq, r.bytes],
    );

  /**
   * A data source whose transactions record every statement's parameters, and fail the
   * `failAt`-th statement (1-based) when given.
   */
  const recording = (failAt?: number) => {
    const calls: unknown[][] = [];
    const db = {
      transaction: <T>(run: (em: EntityManager) => Promise<T>) =>
        ds.transaction((em) =>
          run(
            new Proxy(em, {
              get(target, prop, receiver) {
                if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
                return (sql: string, params: unknown[]) => {
                  calls.push(params);
                  if (calls.length === failAt) throw new Error('the database went away');
                  return target.query(sql, params);
                };
              },
            }),
          ),
        ),
    } as unknown as DataSource;
    return { db, calls };
  };

  it('stores a multi-chunk file in chunks, as views of the buffer, and reads it back byte for byte', async () => {
    const content = randomBytes(3.5 * MiB);
    const { db, calls } = recording();
    const id = await storeAttachment(db, { filename: 'dump.bin', contentType: 'application/octet-stream', content }, 10 * MiB);
    expect(await chunkSizes(id)).toEqual([
      [0, MiB],
      [1, MiB],
      [2, MiB],
      [3, MiB / 2],
    ]);
    // No parameter holds more than a chunk, and each is the caller's memory, not a copy.
    const blobs = calls.flat().filter((p): p is Buffer => Buffer.isBuffer(p));
    expect(blobs.map((b) => b.length)).toEqual([MiB, MiB, MiB, MiB / 2]);
    expect(blobs.every((b) => b.buffer === content.buffer)).toBe(true);

    const [meta] = await ds.query(`SELECT filename, content_type, size, sha256 FROM attachments WHERE id = $1`, [id]);
    expect(meta).toEqual({ filename: 'dump.bin', content_type: 'application/octet-stream', size: content.length, sha256: sha256(content) });
    const read = await readAttachment(ds, id);
    expect(read).toMatchObject({ filename: 'dump.bin', contentType: 'application/octet-stream', size: content.length, sha256: sha256(content) });
    expect(read!.content.equals(content)).toBe(true);

    const opened = await openAttachment(ds, id);
    const pieces: Buffer[] = [];
    for await (const chunk of opened!.chunks()) pieces.push(chunk);
    expect(pieces.map((p) => p.length)).toEqual([MiB, MiB, MiB, MiB / 2]);
    expect(Buffer.concat(pieces).equals(content)).toBe(true);
  });

  it('stores exactly one chunk, one byte more, and an empty file', async () => {
    const exact = randomBytes(ATTACHMENT_CHUNK_BYTES);
    const over = randomBytes(ATTACHMENT_CHUNK_BYTES + 1);
    const [exactId, overId, emptyId] = [
      await storeAttachment(ds, { filename: 'exact.bin', contentType: 'a/b', content: exact }, 2 * MiB),
      await storeAttachment(ds, { filename: 'over.bin', contentType: 'a/b', content: over }, 2 * MiB),
      await storeAttachment(ds, { filename: 'empty.txt', contentType: 'text/plain', content: Buffer.alloc(0) }, 2 * MiB),
    ];
    expect(await chunkSizes(exactId)).toEqual([[0, ATTACHMENT_CHUNK_BYTES]]);
    expect(await chunkSizes(overId)).toEqual([
      [0, ATTACHMENT_CHUNK_BYTES],
      [1, 1],
    ]);
    // Every attachment has chunk 0, so "is its content stored?" has one answer.
    expect(await chunkSizes(emptyId)).toEqual([[0, 0]]);

    expect((await readAttachment(ds, exactId))!.content.equals(exact)).toBe(true);
    expect((await readAttachment(ds, overId))!.content.equals(over)).toBe(true);
    const empty = await readAttachment(ds, emptyId);
    expect(empty).toEqual({ filename: 'empty.txt', contentType: 'text/plain', size: 0, sha256: sha256(Buffer.alloc(0)), content: Buffer.alloc(0) });
    const chunks: Buffer[] = [];
    for await (const c of (await openAttachment(ds, emptyId))!.chunks()) chunks.push(c);
    expect(chunks).toEqual([]);
  });

  it('leaves nothing behind when a chunk fails, or when the caller rolls back', async () => {
    const count = async () => (await ds.query(`SELECT (SELECT count(*) FROM attachments)::int AS a, (SELECT count(*) FROM attachment_blobs)::int AS b`))[0];
    const before = await count();
    // The metadata INSERT, then chunks 0 and 1; the third chunk's INSERT fails.
    const { db } = recording(4);
    await expect(storeAttachment(db, { filename: 'half.bin', contentType: 'a/b', content: randomBytes(3 * MiB) }, 10 * MiB)).rejects.toThrow('the database went away');
    expect(await count()).toEqual(before);
    // Inside a caller's transaction: rolled back with it.
    await expect(
      ds.transaction(async (em) => {
        await storeAttachment(em, { filename: 'outer.bin', contentType: 'a/b', content: randomBytes(1.5 * MiB) }, 10 * MiB);
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');
    expect(await count()).toEqual(before);
    await expect(storeAttachment(ds, { filename: 'big.bin', contentType: 'a/b', content: Buffer.alloc(11) }, 10)).rejects.toBeInstanceOf(AttachmentTooLarge);
    expect(await count()).toEqual(before);
  });

  it('reads a file stored before chunking (one row), says undefined for an unknown id, and refuses incomplete content', async () => {
    const content = randomBytes(2.5 * MiB);
    const [a] = await ds.query(`INSERT INTO attachments (filename, content_type, size, sha256) VALUES ('old.bin', 'a/b', $1, $2) RETURNING id`, [content.length, sha256(content)]);
    await ds.query(`INSERT INTO attachment_blobs (attachment_id, seq, content) VALUES ($1, 0, $2)`, [a.id, content]);
    expect((await readAttachment(ds, a.id))!.content.equals(content)).toBe(true);

    expect(await readAttachment(ds, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await openAttachment(ds, '00000000-0000-4000-8000-000000000000')).toBeUndefined();

    const id = await storeAttachment(ds, { filename: 'gap.bin', contentType: 'a/b', content: randomBytes(3 * MiB) }, 10 * MiB);
    await ds.query(`DELETE FROM attachment_blobs WHERE attachment_id = $1 AND seq = 2`, [id]);
    await expect(readAttachment(ds, id)).rejects.toThrow(`only ${2 * MiB} of its ${3 * MiB} bytes are stored`);
    await ds.query(`UPDATE attachments SET size = 10 WHERE id = $1`, [id]);
    await expect(readAttachment(ds, id)).rejects.toThrow('add up to more than its 10 bytes');
  });
});
