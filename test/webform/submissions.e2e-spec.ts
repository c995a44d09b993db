import { QueueName } from '@switchboard/contracts';
import { randomUUID } from 'node:crypto';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { queue } from '../support/queues.js';
import { deleteKeys } from '../support/redis-keys.js';
import { startWebform, type RunningWebform } from '../support/webform.js';
import { counts, createForm, openSession, PAGE_ORIGIN, submit } from './support.js';

describe('web form submissions (core + webform services, Postgres, Redis)', () => {
  let core: RunningCore;
  let webform: RunningWebform;
  let admin: ApiClient;
  let form: { id: string; key: string };

  beforeAll(async () => {
    core = await startCore();
    webform = await startWebform();
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  beforeEach(async () => {
    await resetState(core);
    await core.ds.query('DELETE FROM webforms');
    await deleteKeys(core.redis, `${core.config.QUEUE_PREFIX}:webform-rate-*`);
    form = await createForm(admin, `support-${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await core.ds.query('DELETE FROM webforms');
    await webform?.close();
    await core?.close();
  });

  const ticketByNumber = async (number: number) => {
    const [row] = await core.ds.query(`SELECT id FROM tickets WHERE number = $1`, [number]);
    return (await admin.get(`/tickets/${row.id}`)).body;
  };

  it('serves the public config with an ETag and CORS for an allowed origin only', async () => {
    const res = await fetch(`${webform.url}/forms/${form.key}`, { headers: { origin: PAGE_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ key: form.key, title: 'Contact support', honeypotField: 'website', files: { allowed: true } });
    expect(body.fields.map((f: { name: string }) => f.name)).toEqual(['name', 'email', 'phone', 'topic', 'message', 'consent']);
    expect(body).not.toHaveProperty('allowedOrigins');

    const again = await fetch(`${webform.url}/forms/${form.key}`, { headers: { origin: PAGE_ORIGIN, 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);

    const stranger = await fetch(`${webform.url}/forms/${form.key}`, { headers: { origin: 'https://evil.example' } });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await stranger.json()) as any).error.code).toBe('origin_not_allowed');
  });

  it('answers 404 for an unknown or disabled form, in the common error shape', async () => {
    const unknown = await fetch(`${webform.url}/forms/no-such-form`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error).toMatchObject({ code: 'form_not_found', message: expect.stringContaining('no-such-form') });
    await admin.patch(`/webforms/${form.id}`, { enabled: false });
    expect((await fetch(`${webform.url}/forms/${form.key}`)).status).toBe(404);
    expect((await submit(webform.url, form.key, { name: 'A', email: 'a@example.com', message: 'x' }, { token: 'x.y.z' })).status).toBe(404);
  });

  it('makes one ticket with the title, the description lines and the right contact', async () => {
    const res = await submit(webform.url, form.key, {
      name: 'Ann Visitor',
      email: 'Ann@Example.COM',
      phone: '+44 20 7183 8750',
      topic: 'Billing',
      message: 'I was charged twice\nOrder A-17, on Monday.',
      consent: true,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(res.body).toEqual({ status: 'created', ticketNumber: expect.any(Number), reference: expect.stringMatching(/^WF-/) });

    const ticket = await ticketByNumber(res.body.ticketNumber);
    expect(ticket.subject).toBe('I was charged twice');
    expect(ticket.registrationChannel).toBe('webform');
    expect(ticket.messages).toHaveLength(1);
    expect(ticket.messages[0].text).toBe(
      [
        'Your name: Ann Visitor',
        'E-mail: ann@example.com',
        'Phone: +442071838750',
        'Topic: Billing',
        'Message: I was charged twice\nOrder A-17, on Monday.',
        'I agree to be contacted: Yes',
      ].join('\n'),
    );
    const identities = await core.ds.query(
      `SELECT c.name, ci.kind::text, ci.value FROM contacts c JOIN contact_identities ci ON ci.contact_id = c.id ORDER BY ci.kind`,
    );
    expect(identities).toEqual([
      { name: 'Ann Visitor', kind: 'email', value: 'ann@example.com' },
      { name: 'Ann Visitor', kind: 'phone', value: '+442071838750' },
    ]);
  });

  it('titles a ticket without a message line "Request via web form" and binds a phone-only visitor', async () => {
    const phoneOnly = await createForm(admin, `phone-${randomUUID().slice(0, 8)}`, {
      fields: [
        { name: 'phone', label: 'Phone', type: 'phone', required: true, order: 1, role: 'phone' },
        { name: 'message', label: 'Message', type: 'textarea', order: 2, role: 'message' },
      ],
    });
    const res = await submit(webform.url, phoneOnly.key, { phone: '+7 999 123-45-67' });
    expect(res.status).toBe(201);
    const ticket = await ticketByNumber(res.body.ticketNumber);
    expect(ticket.subject).toBe('Request via web form');
    expect(ticket.messages[0].text).toBe('Phone: +79991234567');
    expect(await core.ds.query(`SELECT kind::text, value FROM contact_identities`)).toEqual([{ kind: 'phone', value: '+79991234567' }]);
  });

  it('stores attached files on the ticket’s message', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
    const res = await submit(
      webform.url,
      form.key,
      { name: 'Bo', email: 'bo@example.com', message: 'Screenshots attached' },
      { files: [{ name: 'screen.png', type: 'image/png', content: png }, { name: 'счёт.pdf', type: 'application/pdf', content: pdf }] },
    );
    expect(res.status).toBe(201);
    const ticket = await ticketByNumber(res.body.ticketNumber);
    const files = ticket.messages[0].attachments;
    expect(files.map((f: { filename: string; contentType: string; size: number }) => [f.filename, f.contentType, f.size])).toEqual([
      ['screen.png', 'image/png', png.length],
      ['счёт.pdf', 'application/pdf', pdf.length],
    ]);
    const download = await fetch(`${core.url}${files[1].url}`, { headers: admin.authHeaders() });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
  });

  it('makes one ticket however often the same form is resent, also at once', async () => {
    const idempotencyKey = randomUUID();
    const values = { name: 'Cy', email: 'cy@example.com', message: 'Double click' };
    const files = [{ name: 'a.txt', type: 'text/plain', content: Buffer.from('hello') }];
    const results = await Promise.all([1, 2, 3].map(() => submit(webform.url, form.key, values, { idempotencyKey, files })));
    const again = await submit(webform.url, form.key, values, { idempotencyKey, files });
    for (const r of [...results, again]) expect(r.status).toBe(201);
    expect(new Set([...results, again].map((r) => r.body.ticketNumber)).size).toBe(1);
    expect(new Set([...results, again].map((r) => r.body.reference)).size).toBe(1);
    expect(await counts(core)).toEqual({ tickets: 1, messages: 1, attachments: 1 });
  });

  it('answers a resend without files with the same ticket, also once core has made it', async () => {
    const idempotencyKey = randomUUID();
    const values = { name: 'Dee', email: 'dee@example.com', message: 'Resent' };
    const first = await submit(webform.url, form.key, values, { idempotencyKey });
    const again = await submit(webform.url, form.key, values, { idempotencyKey });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    // Even after the queue has forgotten the job, core's stored message answers.
    await deleteKeys(core.redis, `${core.config.QUEUE_PREFIX}:inbound:in__*`);
    const late = await submit(webform.url, form.key, values, { idempotencyKey });
    expect(late.body).toEqual(first.body);
    expect(await counts(core)).toEqual({ tickets: 1, messages: 1, attachments: 0 });
  });

  it('refuses a filled honeypot, and creates nothing', async () => {
    const before = await counts(core);
    const res = await submit(webform.url, form.key, { name: 'Bot', email: 'bot@example.com', message: 'Buy now' }, { honeypot: 'http://spam.example' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('spam_detected');
    expect(await counts(core)).toEqual(before);
  });

  it('refuses a page from another origin, in the preflight and the submission, and creates nothing', async () => {
    const preflight = await fetch(`${webform.url}/forms/${form.key}/submissions`, {
      method: 'OPTIONS',
      headers: { origin: PAGE_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/i);

    const evilPreflight = await fetch(`${webform.url}/forms/${form.key}/submissions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();

    const token = await openSession(webform.url, form.key);
    const res = await submit(webform.url, form.key, { name: 'Eve', email: 'eve@example.com', message: 'hi' }, { token, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
    expect(await counts(core)).toEqual({ tickets: 0, messages: 0, attachments: 0 });
  });

  it('refuses an oversize file (413), a disallowed type (415) and files on a form without them, storing nothing', async () => {
    const small = await startWebform({ WEBFORM_MAX_FILE_BYTES: '2048' });
    try {
      const values = { name: 'Di', email: 'di@example.com', message: 'see file' };
      const big = await submit(small.url, form.key, values, { files: [{ name: 'big.png', type: 'image/png', content: Buffer.alloc(5000, 1) }] });
      expect(big.status).toBe(413);
      expect(big.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('big.png') });

      const exe = await submit(small.url, form.key, values, { files: [{ name: 'setup.exe', type: 'application/x-msdownload', content: Buffer.from('MZ') }] });
      expect(exe.status).toBe(415);
      expect(exe.body.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('setup.exe') });

      const noFiles = await createForm(admin, `nofiles-${randomUUID().slice(0, 8)}`, { filesAllowed: false });
      const refused = await submit(small.url, noFiles.key, values, { files: [{ name: 'a.txt', type: 'text/plain', content: Buffer.from('x') }] });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('files_not_allowed');
      expect(await counts(core)).toEqual({ tickets: 0, messages: 0, attachments: 0 });
    } finally {
      await small.close();
    }
  });

  it('refuses malformed bodies with a reason', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${webform.url}/forms/${form.key}/submissions`, { method: 'POST', headers: { 'content-type': type, origin: PAGE_ORIGIN }, body });
    const notJson = await post('{"token": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error).toMatchObject({ code: 'malformed_body', message: expect.stringContaining('not valid JSON') });

    const noKey = await post(JSON.stringify({ token: 'x', values: {} }));
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as any).error.message).toContain('idempotencyKey');

    const text = await post('name=x', 'text/plain');
    expect(text.status).toBe(415);

    const huge = await post(JSON.stringify({ token: 'x', idempotencyKey: randomUUID(), values: { message: 'x'.repeat(300_000) } }));
    expect(huge.status).toBe(413);
    expect(await counts(core)).toEqual({ tickets: 0, messages: 0, attachments: 0 });
  });

  it('validates values against the form: required, unknown, options, e-mail, phone', async () => {
    const res = await submit(webform.url, form.key, { email: 'not-an-address', phone: '+44 20 7183 875', topic: 'Lunch', extra: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual({
      fields: {
        name: 'This field is required.',
        message: 'This field is required.',
        email: 'Enter an e-mail address like name@example.com.',
        topic: 'Choose one of the options.',
      },
      unknown: ['extra'],
    });

    const phone = await submit(webform.url, form.key, { name: 'Fi', phone: '+44 20 7183 875', message: 'call me' });
    expect(phone.status).toBe(422);
    expect(phone.body.error.details.fields.phone).toMatch(/no such number for country code \+44/);

    const nobody = await submit(webform.url, form.key, { name: 'Gus', message: 'no way to answer me' });
    expect(nobody.status).toBe(422);
    expect(nobody.body.error.details.fields).toEqual({
      email: 'Leave an e-mail or a phone number so we can answer you.',
      phone: 'Leave an e-mail or a phone number so we can answer you.',
    });
    expect(await counts(core)).toEqual({ tickets: 0, messages: 0, attachments: 0 });
  });

  it('refuses forms sent faster than a person types, and forged sessions', async () => {
    const strict = await startWebform({ WEBFORM_MIN_FILL_MS: '60000' });
    try {
      const values = { name: 'Hal', email: 'hal@example.com', message: 'fast' };
      const fast = await submit(strict.url, form.key, values);
      expect(fast.status).toBe(422);
      expect(fast.body.error.code).toBe('submitted_too_fast');
      expect(fast.body.error.details.waitMs).toBeGreaterThan(50_000);

      const forged = await submit(strict.url, form.key, values, { token: `${(Date.now() - 120_000).toString(36)}.abc.def` });
      expect(forged.status).toBe(400);
      expect(forged.body.error.code).toBe('invalid_session');
      expect(await counts(core)).toEqual({ tickets: 0, messages: 0, attachments: 0 });
    } finally {
      await strict.close();
    }
  });

  it('limits submissions per IP across replicas, with Retry-After', async () => {
    const a = await startWebform({ WEBFORM_RATE_PER_IP: '3' });
    const b = await startWebform({ WEBFORM_RATE_PER_IP: '3' });
    try {
      const values = { name: 'Ivy', email: 'ivy@example.com', message: 'again' };
      const statuses = [];
      for (const replica of [a, b, a, b]) statuses.push((await submit(replica.url, form.key, values)).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const limited = await submit(a.url, form.key, values);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await counts(core)).tickets).toBe(3);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers 202 with a reference while core is not processing, and tells the ticket number once it is', async () => {
    const impatient = await startWebform({ WEBFORM_WAIT_FOR_TICKET_MS: '300' });
    const inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    await inbound.pause();
    try {
      const values = { name: 'Jo', email: 'jo@example.com', message: 'later' };
      const idempotencyKey = randomUUID();
      const res = await submit(impatient.url, form.key, values, { idempotencyKey });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'accepted', reference: expect.stringMatching(/^WF-[0-9A-Z]{5}-[0-9A-Z]{5}$/) });
      const { reference } = res.body;
      const poll = () => fetch(`${impatient.url}/forms/${form.key}/submissions/${reference}`, { headers: { origin: PAGE_ORIGIN } }).then((r) => r.json() as Promise<any>);
      expect(await poll()).toEqual({ status: 'accepted', reference });
      // The widget resends when unsure: still one job, same reference.
      expect((await submit(impatient.url, form.key, values, { idempotencyKey })).body).toEqual({ status: 'accepted', reference });

      await inbound.resume();
      const done = await waitFor('the ticket of the submission', async () => {
        const body = await poll();
        return body.status === 'created' && body;
      });
      expect(done).toEqual({ status: 'created', ticketNumber: expect.any(Number), reference });
      expect((await counts(core)).tickets).toBe(1);
      expect((await fetch(`${impatient.url}/forms/${form.key}/submissions/WF-00000-00000`)).status).toBe(404);
    } finally {
      await inbound.resume();
      await inbound.close();
      await impatient.close();
    }
  });

  it('reports health', async () => {
    const res = await fetch(`${webform.url}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toMatchObject({ status: 'ok', checks: { database: { status: 'up' }, redis: { status: 'up' } } });
  });
});
