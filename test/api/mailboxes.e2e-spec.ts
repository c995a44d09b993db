import { SecretBox } from '@switchboard/common';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { ADMIN, ApiClient } from '../support/http.js';
import { startCore, type RunningCore } from '../support/core.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const SPEC = { email: 'mailbox-spec@example.com', password: 'specialist-password' };

interface Issue {
  path: string;
  message: string;
}
const issues = (body: { error: { details?: Issue[] } }) => Object.fromEntries((body.error.details ?? []).map((d) => [d.path, d.message]));

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real SMTP server on a free loopback port, without TLS. */
async function smtpServer(options: SMTPServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({ disabledCommands: ['STARTTLS'], logger: false, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('mailboxes API (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let spec: ApiClient;
  let created: string[] = [];

  const mailbox = (address: string, extra: Record<string, unknown> = {}) => ({
    name: `Mailbox ${address}`,
    address,
    imapHost: 'imap.example.com',
    imapUser: address,
    imapSecret: 'imap-password-1',
    smtpHost: 'smtp.example.com',
    ...extra,
  });
  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/channels/email', body);
    if (res.status === 201) created.push(res.body.id);
    return res;
  };
  const row = async (id: string) => (await core.ds.query(`SELECT * FROM mailboxes WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    core = await startCore();
    const anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    const agent = await admin.post('/agents', { email: SPEC.email, name: 'Mailbox Specialist', role: 'specialist', password: SPEC.password });
    expect(agent.status).toBe(201);
    spec = await anon.login(SPEC.email, SPEC.password);
  });
  afterEach(async () => {
    if (created.length) await core.ds.query(`DELETE FROM mailboxes WHERE id = ANY($1::uuid[])`, [created]);
    created = [];
  });
  afterAll(async () => {
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    await core.close();
  });

  it('creates a mailbox with the defaults, stores the secrets sealed and never returns them', async () => {
    const res = await create(mailbox('Support@Example.COM', { smtpUser: 'relay-user', smtpSecret: 'smtp-password-2', displayName: 'Acme Support' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Mailbox Support@Example.COM',
      address: 'support@example.com',
      displayName: 'Acme Support',
      imapHost: 'imap.example.com',
      imapPort: 993,
      imapTls: true,
      imapUser: 'Support@Example.COM',
      imapAuth: 'password',
      hasImapSecret: true,
      folder: 'INBOX',
      processedAction: 'flag',
      processedFolder: null,
      smtpHost: 'smtp.example.com',
      smtpPort: 587,
      smtpSecurity: 'starttls',
      smtpUser: 'relay-user',
      hasSmtpSecret: true,
      markerFormat: '[#{number}]',
      createContacts: true,
      maxAttachmentBytes: 10485760,
      enabled: true,
      state: 'active',
      stateReason: null,
      stateChangedAt: expect.any(String),
      uidValidity: null,
      lastUid: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password-[12]/);

    const stored = await row(res.body.id);
    for (const [column, plain] of [
      ['imap_secret', 'imap-password-1'],
      ['smtp_secret', 'smtp-password-2'],
    ]) {
      expect(stored[column]).toMatch(/^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
      expect(stored[column]).not.toContain(plain);
      expect(new SecretBox(core.config.SECRETS_KEY).open(stored[column])).toBe(plain);
    }

    // Any agent may read it, secrets still hidden.
    const got = await spec.get(`/channels/email/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    const listed = await spec.get('/channels/email');
    expect(JSON.stringify(listed.body)).not.toMatch(/password-[12]|v1:/);
  });

  it('lists mailboxes by address, paged, filtered by q, enabled and state', async () => {
    for (const a of ['list-c@example.com', 'list-a@example.com', 'list-b@example.com']) {
      expect((await create(mailbox(a, { enabled: a !== 'list-b@example.com' }))).status).toBe(201);
    }
    const addresses = (res: { body: { items: { address: string }[] } }) => res.body.items.map((m) => m.address);
    const all = await spec.get('/channels/email?q=list-');
    expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 25 });
    expect(addresses(all)).toEqual(['list-a@example.com', 'list-b@example.com', 'list-c@example.com']);
    expect(all.body.items[0]).not.toHaveProperty('imapSecret');
    const second = await spec.get('/channels/email?q=list-&pageSize=2&page=2');
    expect(addresses(second)).toEqual(['list-c@example.com']);
    expect(addresses(await spec.get('/channels/email?q=LIST-&enabled=false'))).toEqual(['list-b@example.com']);
    expect(addresses(await spec.get('/channels/email?q=list-&state=disabled'))).toEqual(['list-b@example.com']);
    expect((await spec.get('/channels/email?state=broken')).status).toBe(400);
  });

  it('validates with messages naming each bad property', async () => {
    const res = await create({
      ...mailbox('not-an-address'),
      imapHost: 'imaps://imap.example.com',
      imapPort: 99999,
      smtpHost: 'smtp.example.com:25',
      markerFormat: 'Ticket #',
      processedAction: 'move',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(issues(res.body)).toEqual({
      address: '"not-an-address" is not a valid e-mail address: expected name@domain',
      imapHost: 'write only the host name, without a scheme such as imaps://',
      imapPort: 'must be a port number from 1 to 65535',
      smtpHost: 'write the port in its own field, not after the host name',
      markerFormat: 'must contain {number} exactly once, e.g. [#{number}]',
    });
    const rules = await create(mailbox('rules@example.com', { processedAction: 'move', smtpUser: 'u' }));
    expect(issues(rules.body)).toEqual({
      processedFolder: 'is required when processedAction is move: the folder processed messages are moved to',
      smtpSecret: 'is required when smtpUser is set',
    });
    const tooBig = await create(mailbox('big@example.com', { maxAttachmentBytes: core.config.ATTACHMENT_MAX_BYTES + 1 }));
    expect(tooBig.status).toBe(400);
    expect(issues(tooBig.body)).toEqual({ maxAttachmentBytes: `must be at most ${core.config.ATTACHMENT_MAX_BYTES} (core's ATTACHMENT_MAX_BYTES)` });
    expect((await admin.get('/channels/email/not-a-uuid')).status).toBe(400);
    expect((await admin.get(`/channels/email/${MISSING}`)).status).toBe(404);
  });

  it('answers 409 for an address another mailbox has, whatever its case', async () => {
    expect((await create(mailbox('dup@example.com'))).status).toBe(201);
    const again = await create(mailbox('DUP@example.com'));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'mailbox_address_taken', message: expect.stringContaining('dup@example.com') });
    const other = await create(mailbox('other@example.com'));
    const renamed = await admin.patch(`/channels/email/${other.body.id}`, { address: 'Dup@Example.com' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error.code).toBe('mailbox_address_taken');
  });

  it('lets only admins write', async () => {
    const { body } = await create(mailbox('roles@example.com'));
    expect((await spec.post('/channels/email', mailbox('spec@example.com'))).status).toBe(403);
    expect((await spec.patch(`/channels/email/${body.id}`, { name: 'x' })).status).toBe(403);
    expect((await spec.delete(`/channels/email/${body.id}`)).status).toBe(403);
    expect((await spec.post(`/channels/email/${body.id}/test`)).status).toBe(403);
    expect((await spec.get(`/channels/email/${body.id}`)).status).toBe(200);
  });

  it('changes only what PATCH sends, re-seals new secrets and drops the SMTP secret with the user', async () => {
    const { body: before } = await create(mailbox('patch@example.com', { smtpUser: 'relay', smtpSecret: 'smtp-old' }));
    const old = await row(before.id);
    const res = await admin.patch(`/channels/email/${before.id}`, { name: 'Renamed', imapSecret: 'imap-new', smtpSecurity: 'tls' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...before, name: 'Renamed', smtpSecurity: 'tls', updatedAt: expect.any(String) });
    const stored = await row(before.id);
    expect(stored.imap_secret).not.toBe(old.imap_secret);
    expect(new SecretBox(core.config.SECRETS_KEY).open(stored.imap_secret)).toBe('imap-new');
    expect(stored.smtp_secret).toBe(old.smtp_secret);

    const noAuth = await admin.patch(`/channels/email/${before.id}`, { smtpUser: null });
    expect(noAuth.body).toMatchObject({ smtpUser: null, hasSmtpSecret: false });
    expect((await row(before.id)).smtp_secret).toBeNull();

    const missingSecret = await admin.patch(`/channels/email/${before.id}`, { smtpUser: 'relay' });
    expect(missingSecret.status).toBe(400);
    expect(issues(missingSecret.body)).toEqual({ smtpSecret: 'is required when smtpUser is set' });
    expect((await admin.patch(`/channels/email/${before.id}`, {})).status).toBe(400);
    expect((await admin.patch(`/channels/email/${before.id}`, { hasImapSecret: false })).status).toBe(400);
  });

  it('moves the state: disabled with enabled, and from error back to active when enabled or reconnected', async () => {
    const { body } = await create(mailbox('state@example.com'));
    const fail = (reason: string) => core.ds.query(`UPDATE mailboxes SET state = 'error', state_reason = $2 WHERE id = $1`, [body.id, reason]);

    await fail('AUTHENTICATIONFAILED Authentication failed.');
    const shown = await spec.get(`/channels/email/${body.id}`);
    expect(shown.body).toMatchObject({ state: 'error', stateReason: 'AUTHENTICATIONFAILED Authentication failed.' });
    // A change that has nothing to do with connecting leaves the error.
    expect((await admin.patch(`/channels/email/${body.id}`, { name: 'Still broken' })).body).toMatchObject({ state: 'error' });
    expect((await admin.patch(`/channels/email/${body.id}`, { imapSecret: 'fixed' })).body).toMatchObject({ state: 'active', stateReason: null });

    await fail('connect ECONNREFUSED');
    expect((await admin.patch(`/channels/email/${body.id}`, { enabled: true })).body).toMatchObject({ state: 'active', stateReason: null });

    const off = await admin.patch(`/channels/email/${body.id}`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, state: 'disabled' });
    expect((await admin.patch(`/channels/email/${body.id}`, { imapSecret: 'again' })).body).toMatchObject({ state: 'disabled' });
    expect((await admin.patch(`/channels/email/${body.id}`, { enabled: true })).body).toMatchObject({ enabled: true, state: 'active' });
    expect((await create(mailbox('born-off@example.com', { enabled: false }))).body.state).toBe('disabled');
  });

  it('restarts the reading position when the folder or account changes', async () => {
    const { body } = await create(mailbox('cursor@example.com'));
    const setCursor = () => core.ds.query(`UPDATE mailboxes SET uid_validity = '1700000000', last_uid = 4242 WHERE id = $1`, [body.id]);
    await setCursor();
    expect((await admin.patch(`/channels/email/${body.id}`, { smtpPort: 2525, folder: 'INBOX' })).body).toMatchObject({ uidValidity: '1700000000', lastUid: 4242 });
    expect((await admin.patch(`/channels/email/${body.id}`, { folder: 'Support' })).body).toMatchObject({ uidValidity: null, lastUid: 0 });
    await setCursor();
    expect((await admin.patch(`/channels/email/${body.id}`, { imapUser: 'someone-else' })).body).toMatchObject({ uidValidity: null, lastUid: 0 });
  });

  it('deletes a mailbox', async () => {
    const { body } = await create(mailbox('delete@example.com'));
    expect((await admin.delete(`/channels/email/${body.id}`)).status).toBe(204);
    expect((await admin.get(`/channels/email/${body.id}`)).status).toBe(404);
    expect((await admin.delete(`/channels/email/${body.id}`)).status).toBe(404);
  });

  describe('POST /channels/email/{id}/test', () => {
    it('reports the network error of a closed port for both servers', async () => {
      const port = await closedPort();
      const { body } = await create(mailbox('closed@example.com', { imapHost: '127.0.0.1', imapPort: port, smtpHost: '127.0.0.1', smtpPort: port }));
      const res = await admin.post(`/channels/email/${body.id}/test`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        imap: { ok: false, error: `connect ECONNREFUSED 127.0.0.1:${port}` },
        smtp: { ok: false, error: `connect ECONNREFUSED 127.0.0.1:${port}` },
      });
      // Testing changes nothing.
      expect((await row(body.id)).state).toBe('active');
    });

    it('passes SMTP on a server that lets the mailbox in, and logs in when there is a user', async () => {
      const logins: string[] = [];
      const smtp = await smtpServer({
        authOptional: true,
        onAuth: (auth, _session, done) => {
          logins.push(`${auth.username}:${auth.password}`);
          done(null, { user: auth.username });
        },
      });
      try {
        const port = await closedPort();
        const open = await create(mailbox('smtp-ok@example.com', { imapHost: '127.0.0.1', imapPort: port, smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecurity: 'none' }));
        expect((await admin.post(`/channels/email/${open.body.id}/test`)).body.smtp).toEqual({ ok: true });

        const withUser = await create(
          mailbox('smtp-auth@example.com', { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecurity: 'none', smtpUser: 'relay', smtpSecret: 'relay-secret' }),
        );
        expect((await admin.post(`/channels/email/${withUser.body.id}/test`)).body.smtp).toEqual({ ok: true });
        expect(logins).toEqual(['relay:relay-secret']);
      } finally {
        await smtp.close();
      }
    });

    it('reports the SMTP server refusing the login in its own words', async () => {
      const smtp = await smtpServer({
        authOptional: true,
        onAuth: (_auth, _session, done) => done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 })),
      });
      try {
        const { body } = await create(
          mailbox('smtp-refused@example.com', { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecurity: 'none', smtpUser: 'relay', smtpSecret: 'wrong' }),
        );
        const res = await admin.post(`/channels/email/${body.id}/test`);
        expect(res.body.smtp.ok).toBe(false);
        expect(res.body.smtp.error).toMatch(/535 Invalid username or password/);
      } finally {
        await smtp.close();
      }
    });

    it('says so when a stored secret cannot be opened with this SECRETS_KEY', async () => {
      const { body } = await create(mailbox('rekeyed@example.com', { smtpHost: '127.0.0.1', smtpPort: await closedPort() }));
      await core.ds.query(`UPDATE mailboxes SET imap_secret = $2 WHERE id = $1`, [body.id, new SecretBox(Buffer.alloc(32, 7)).seal('x')]);
      const res = await admin.post(`/channels/email/${body.id}/test`);
      expect(res.body.imap).toEqual({
        ok: false,
        error: 'the stored imapSecret cannot be used (cannot open a sealed secret: it was sealed with another SECRETS_KEY, or it was altered); set it again',
      });
      expect((await admin.post(`/channels/email/${MISSING}/test`)).status).toBe(404);
    });
  });
});
