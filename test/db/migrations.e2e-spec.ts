import { dataSourceOptions } from '@switchboard/db';
import pg from 'pg';
import { DataSource } from 'typeorm';

/** Migrations against a database of their own: up, entities agree, down, up again. */
describe('migrations (real Postgres)', () => {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_migrations`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  url.pathname = `/${name}`;
  let ds: DataSource;

  const adminQuery = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE "${name}"`);
    ds = new DataSource(dataSourceOptions({ url: url.toString(), poolSize: 2, applicationName: 'switchboard-migration-test' }));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('creates the schema the entities describe, with the system rows', async () => {
    await ds.runMigrations();
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(await ds.query(`SELECT key, kind FROM statuses ORDER BY position`)).toEqual([
      { key: 'open', kind: 'open' },
      { key: 'pending', kind: 'pending' },
      { key: 'on_hold', kind: 'on_hold' },
      { key: 'resolved', kind: 'resolved' },
      { key: 'closed', kind: 'closed' },
    ]);
    expect(await ds.query(`SELECT name, line FROM agent_groups ORDER BY line`)).toEqual([
      { name: '1st line', line: 1 },
      { name: '2nd line', line: 2 },
    ]);
    expect(await ds.query(`SELECT key, channel, enabled, status_kinds::text[] AS kinds FROM notification_templates ORDER BY key DESC, channel`)).toEqual([
      { key: 'ticket_created', channel: 'email', enabled: true, kinds: [] },
      { key: 'status_changed', channel: 'email', enabled: true, kinds: ['resolved'] },
      { key: 'status_changed', channel: 'sms', enabled: true, kinds: [] },
      { key: 'resolution_survey', channel: 'telegram', enabled: true, kinds: [] },
    ]);
  });

  it('reverts cleanly, one migration at a time, and applies again', async () => {
    const exists = async (table: string) => (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS e`, [table]))[0].e as boolean;
    /** Reverts the migrations after `name`, newest first. */
    const undoAfter = async (name: string) => {
      for (;;) {
        const [last] = await ds.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
        if (!last) throw new Error(`${name} is not applied`);
        if (last.name === name) return;
        await ds.undoLastMigration();
      }
    };
    const enumValues = async () =>
      (await ds.query<{ v: string }[]>(`SELECT unnest(enum_range(NULL::threaded_by))::text AS v`)).map((r) => r.v);
    expect(await enumValues()).toEqual(['new', 'ticket_id', 'ticket_number', 'message_id', 'thread_key', 'in_reply_to', 'references', 'signed_id', 'subject_marker', 'body_marker']);
    // Messages threaded by an e-mail reason fall back to the generic reason when the type loses its values.
    const [t] = await ds.query(`INSERT INTO tickets (subject, status_key, status_kind, registration_channel) VALUES ('x', 'open', 'open', 'email') RETURNING id`);
    const insertMessage = (threadedBy: string) =>
      ds.query(`INSERT INTO messages (ticket_id, direction, author_kind, visibility, channel, text, threaded_by) VALUES ($1, 'inbound', 'contact', 'public', 'email', $2, $3::threaded_by)`, [t.id, threadedBy, threadedBy]);
    for (const by of ['in_reply_to', 'references', 'signed_id', 'subject_marker', 'body_marker', 'thread_key']) await insertMessage(by);
    await ds.query(`INSERT INTO ticket_participants (ticket_id, kind, value) VALUES ($1, 'email', 'cc@example.com')`, [t.id]);

    // Chunked attachment content is joined again in seq order on the way down; on the way up a whole file becomes chunk 0.
    const blobs = () => ds.query<{ filename: string; content: Buffer }[]>(`SELECT a.filename, b.content FROM attachment_blobs b JOIN attachments a ON a.id = b.attachment_id ORDER BY a.filename`);
    const blobColumns = async () =>
      (await ds.query<{ c: string }[]>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'attachment_blobs' ORDER BY ordinal_position`)).map((r) => r.c);
    const file = async (filename: string, chunks: string[]) => {
      const [a] = await ds.query(`INSERT INTO attachments (filename, content_type, size, sha256) VALUES ($1, 'application/octet-stream', $2, '') RETURNING id`, [
        filename,
        chunks.join('').length / 2,
      ]);
      // Inserted out of order: the order is seq's, not the rows'.
      for (const seq of chunks.map((_, i) => i).reverse()) {
        await ds.query(`INSERT INTO attachment_blobs (attachment_id, seq, content) VALUES ($1, $2, $3)`, [a.id, seq, Buffer.from(chunks[seq], 'hex')]);
      }
    };
    await file('a-chunked.bin', ['0102', '03', '', '040506']);
    await file('b-one.bin', ['ff']);
    await file('c-empty.bin', ['']);
    await undoAfter('ChunkAttachmentBlobs1795850544646');
    await ds.undoLastMigration();
    expect(await blobColumns()).toEqual(['attachment_id', 'content']);
    const whole = [
      { filename: 'a-chunked.bin', content: Buffer.from('010203040506', 'hex') },
      { filename: 'b-one.bin', content: Buffer.from('ff', 'hex') },
      { filename: 'c-empty.bin', content: Buffer.alloc(0) },
    ];
    expect(await blobs()).toEqual(whole);
    await ds.runMigrations();
    expect(await blobColumns()).toEqual(['attachment_id', 'content', 'seq']);
    expect(await ds.query(`SELECT DISTINCT seq FROM attachment_blobs`)).toEqual([{ seq: 0 }]);
    expect(await blobs()).toEqual(whole);

    // Tickets that exist when notifications arrive are never acknowledged; new ones wait for the sweep.
    await undoAfter('AddNotifications1795844946051');
    await ds.undoLastMigration();
    expect(await exists('notification_templates')).toBe(false);
    await ds.runMigrations();
    const [{ acknowledgement: upgraded }] = await ds.query(`SELECT acknowledgement FROM tickets WHERE id = $1`, [t.id]);
    expect(upgraded).toBe('not_applicable');
    const [fresh] = await ds.query(`INSERT INTO tickets (subject, status_key, status_kind, registration_channel) VALUES ('y', 'open', 'open', 'email') RETURNING acknowledgement`);
    expect(fresh.acknowledgement).toBeNull();
    await undoAfter('AddNotifications1795844946051');
    await ds.undoLastMigration();
    expect(await exists('notification_templates')).toBe(false);

    await ds.undoLastMigration();
    expect([await exists('mailboxes'), await exists('ticket_participants'), await exists('webforms')]).toEqual([false, false, true]);
    expect(await enumValues()).toEqual(['new', 'ticket_id', 'ticket_number', 'message_id', 'thread_key']);
    const reverted = await ds.query<{ text: string; threaded_by: string }[]>(`SELECT text, threaded_by::text FROM messages ORDER BY text`);
    expect(Object.fromEntries(reverted.map((m) => [m.text, m.threaded_by]))).toEqual({
      body_marker: 'ticket_number',
      in_reply_to: 'message_id',
      references: 'message_id',
      signed_id: 'message_id',
      subject_marker: 'ticket_number',
      thread_key: 'thread_key',
    });
    const [{ column_default }] = await ds.query(`SELECT column_default FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'threaded_by'`);
    expect(column_default).toBe(`'new'::threaded_by`);

    await ds.undoLastMigration();
    expect([await exists('webforms'), await exists('tickets')]).toEqual([false, true]);
    await ds.undoLastMigration();
    const [{ tables }] = await ds.query(`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
    expect(tables).toBe(0);
    await ds.runMigrations();
    const [{ tickets }] = await ds.query(`SELECT count(*)::int AS tickets FROM tickets`);
    expect(tickets).toBe(0);
  });
});
