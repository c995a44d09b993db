import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { QueueName } from '@switchboard/contracts';
import { storeAttachment } from '@switchboard/db';
import type { Queue } from 'bullmq';
import { resetState, startCore, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

const MiB = 1024 * 1024;

describe('attachments (real HTTP, Postgres, Redis)', () => {
  let core: RunningCore;
  let agent: ApiClient;
  let inbound: Queue;

  beforeAll(async () => {
    core = await startCore({ ATTACHMENT_MAX_BYTES: '4096' });
    await resetState(core);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    agent = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await inbound.close();
    await core.close();
  });

  const upload = (filename: string, body: Buffer, type: string) =>
    fetch(`${core.api}/attachments?filename=${encodeURIComponent(filename)}`, {
      method: 'POST',
      headers: { 'content-type': type, ...agent.authHeaders() },
      body,
    });
  const authHeader = () => agent.authHeaders();

  it('links files a channel stored to the inbound message and serves them back', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const id = await storeAttachment(core.ds, { filename: 'screen shot ü.png', contentType: 'image/png', content: png }, core.config.ATTACHMENT_MAX_BYTES);
    const job = await enqueueInbound(inbound, emailMessage({ text: 'See the picture', attachmentIds: [id] }));
    const { job: done } = await settled(inbound, job.id!);
    const ticket = await agent.get(`/tickets/${(done.returnvalue as { ticketId: string }).ticketId}`);
    expect(ticket.body.messages[0].attachments).toEqual([
      { id, messageId: ticket.body.messages[0].id, filename: 'screen shot ü.png', contentType: 'image/png', size: png.length, url: `/api/v1/attachments/${id}` },
    ]);

    const res = await fetch(`${core.api}/attachments/${id}`, { headers: authHeader() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="screen shot _.png"; filename*=UTF-8''screen%20shot%20%C3%BC.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
  });

  it('streams a file of several chunks back whole, with its headers', async () => {
    const content = randomBytes(3.5 * MiB);
    const id = await storeAttachment(core.ds, { filename: 'trace 1.pcap', contentType: 'application/vnd.tcpdump.pcap', content }, 8 * MiB);
    expect((await core.ds.query(`SELECT count(*)::int AS n FROM attachment_blobs WHERE attachment_id = $1`, [id]))[0].n).toBe(4);
    const res = await fetch(`${core.api}/attachments/${id}`, { headers: authHeader() });
    expect(res.status).toBe(200);
    const headers = ['content-type', 'content-length', 'content-disposition', 'content-security-policy', 'cache-control', 'etag'];
    expect(Object.fromEntries(headers.map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-type': 'application/vnd.tcpdump.pcap',
      'content-length': String(content.length),
      'content-disposition': `attachment; filename="trace 1.pcap"; filename*=UTF-8''trace%201.pcap`,
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=3600',
      etag: `"${createHash('sha256').update(content).digest('hex')}"`,
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);

    const head = await fetch(`${core.api}/attachments/${id}`, { method: 'HEAD', headers: authHeader() });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, String(content.length), '']);
  });

  it('stops reading chunks when the client goes away', async () => {
    const chunks = 16;
    const content = randomBytes(chunks * MiB);
    const id = await storeAttachment(core.ds, { filename: 'big.bin', contentType: 'application/octet-stream', content }, chunks * MiB);
    // Counts the chunk reads after the first (which comes with the metadata).
    let reads = 0;
    const query = core.ds.query.bind(core.ds);
    core.ds.query = ((sql: string, params?: unknown[]) => {
      if (sql.includes('FROM attachment_blobs WHERE attachment_id = $1 AND seq > $2')) reads++;
      return query(sql, params);
    }) as typeof core.ds.query;
    try {
      await new Promise<void>((resolve, reject) => {
        const req = get(`${core.api}/attachments/${id}`, { headers: authHeader() }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(reads).toBeLessThan(chunks - 1);
    } finally {
      core.ds.query = query;
    }
    // And the next download is whole.
    const again = await fetch(`${core.api}/attachments/${id}`, { headers: authHeader() });
    expect(Buffer.from(await again.arrayBuffer()).equals(content)).toBe(true);
  });

  it('never serves active content inline', async () => {
    const id = await storeAttachment(core.ds, { filename: 'x.html', contentType: 'text/html', content: Buffer.from('<script>alert(1)</script>') }, 4096);
    const res = await fetch(`${core.api}/attachments/${id}`, { headers: authHeader() });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('takes an agent upload and attaches it to a reply', async () => {
    const job = await enqueueInbound(inbound, emailMessage({ sender: { email: 'files@example.org' } }));
    const { ticketId } = (await settled(inbound, job.id!)).job.returnvalue as { ticketId: string };
    const res = await upload('report.pdf', Buffer.from('%PDF-1.4 tiny'), 'application/pdf');
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const reply = await agent.post(`/tickets/${ticketId}/messages`, { body: 'Report attached', visibility: 'public', attachmentIds: [id] });
    expect(reply.status).toBe(201);
    const again = await agent.post(`/tickets/${ticketId}/messages`, { body: 'Same file again', visibility: 'public', attachmentIds: [id] });
    expect(again.status).toBe(422);
    expect(again.body.error.message).toContain('already belongs to a message');
    const ticket = await agent.get(`/tickets/${ticketId}`);
    expect(ticket.body.messages.at(-1).attachments.map((a: { id: string }) => a.id)).toEqual([id]);
  });

  it('stores a JSON file as bytes, untouched by the API body parser', async () => {
    const res = await upload('data.json', Buffer.from('{"a":1}'), 'application/json');
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const back = await fetch(`${core.api}/attachments/${id}`, { headers: authHeader() });
    expect(await back.text()).toBe('{"a":1}');
  });

  it('refuses a file over the limit with 413, and an empty one with 400', async () => {
    const big = await upload('big.bin', Buffer.alloc(5000, 1), 'application/octet-stream');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('the limit is 4096 bytes') });
    expect((await upload('empty.txt', Buffer.alloc(0), 'text/plain')).status).toBe(400);
    await expect(storeAttachment(core.ds, { filename: 'x', contentType: 'a/b', content: Buffer.alloc(5000) }, 4096)).rejects.toThrow('the limit is 4096 bytes');
  });

  it('answers 401 without a token and 404 for an unknown id', async () => {
    expect((await fetch(`${core.api}/attachments/00000000-0000-4000-8000-000000000000`)).status).toBe(401);
    expect((await fetch(`${core.api}/attachments/00000000-0000-4000-8000-000000000000`, { headers: authHeader() })).status).toBe(404);
  });
});
