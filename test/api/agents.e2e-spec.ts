import { ADMIN, ApiClient } from '../support/http.js';
import { resetState, startCore, type RunningCore } from '../support/core.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('agents API (real Postgres + Redis)', () => {
  let core: RunningCore;
  let anon: ApiClient;
  let admin: ApiClient;
  let adminId: string;
  let groups: Record<string, { id: string; name: string; line: number | null }>;

  beforeAll(async () => {
    core = await startCore();
    await resetState(core);
    anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    adminId = (await admin.get('/me')).body.id;
    const list = await admin.get('/groups');
    groups = Object.fromEntries(list.body.items.map((g: { name: string }) => [g.name, g]));
  });
  afterAll(() => core.close());

  async function createAgent(body: Record<string, unknown>) {
    const res = await admin.post('/agents', { password: 'long-enough-password', ...body });
    if (res.status !== 201) throw new Error(`create agent: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; email: string };
  }

  it('creates an agent with a lower-cased e-mail and groups, never returning the password hash', async () => {
    const res = await admin.post('/agents', {
      email: '  Ann.Smith@Example.COM ',
      name: 'Ann Smith',
      role: 'senior',
      password: 'correct horse battery',
      groupIds: [groups['2nd line'].id],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'ann.smith@example.com',
      name: 'Ann Smith',
      role: 'senior',
      active: true,
      groups: [{ id: groups['2nd line'].id, name: '2nd line', line: 2 }],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);

    const ann = await anon.login('ann.smith@example.com', 'correct horse battery');
    expect((await ann.get('/me')).body).toMatchObject({ id: res.body.id, role: 'senior' });

    const got = await admin.get(`/agents/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('defaults the role to specialist and the groups to none', async () => {
    const res = await admin.post('/agents', { email: 'plain@example.com', name: 'Plain', password: 'long-enough-password' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'specialist', groups: [] });
  });

  it('refuses a duplicate e-mail, whatever its case, with 409 agent_email_taken', async () => {
    const res = await admin.post('/agents', { email: 'ANN.SMITH@example.com', name: 'Other Ann', password: 'long-enough-password' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('agent_email_taken');
    expect(res.body.error.message).toContain('ann.smith@example.com');
  });

  it('validates the body with 400 naming each bad field', async () => {
    const res = await admin.post('/agents', { email: 'not-an-email', name: '', role: 'boss', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['email', 'name', 'password', 'role']);
    expect(res.body.error.message).toContain('password: must be at least 10 characters');

    const unknown = await admin.post('/agents', { email: 'x@example.com', name: 'X', password: 'long-enough-password', isRoot: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('isRoot');

    const badGroup = await admin.post('/agents', { email: 'x@example.com', name: 'X', password: 'long-enough-password', groupIds: ['nope'] });
    expect(badGroup.status).toBe(400);
    expect(badGroup.body.error.message).toContain('groupIds.0');
  });

  it('refuses an unknown group with 422 group_not_found', async () => {
    const res = await admin.post('/agents', { email: 'x@example.com', name: 'X', password: 'long-enough-password', groupIds: [MISSING] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'group_not_found', message: `no such group: ${MISSING}` });
    expect((await admin.get('/agents?q=x@example.com')).body.total).toBe(0);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await admin.get(`/agents/${MISSING}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', message: `agent ${MISSING} does not exist` });
    const malformed = await admin.get('/agents/123');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('must be a UUID');
    expect((await admin.patch(`/agents/${MISSING}`, { name: 'Ghost' })).status).toBe(404);
  });

  describe('listing', () => {
    beforeAll(async () => {
      for (const [i, name] of ['Zoe Quinn', 'Yuri Petrov', 'Xena Warrior', 'Walter White'].entries()) {
        await createAgent({ email: `list${i}@listing.test`, name, groupIds: i % 2 ? [groups['1st line'].id] : [] });
      }
    });

    it('pages in a stable name order with the total', async () => {
      const first = await admin.get('/agents?q=listing.test&pageSize=3');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ total: 4, page: 1, pageSize: 3 });
      expect(first.body.items.map((a: { name: string }) => a.name)).toEqual(['Walter White', 'Xena Warrior', 'Yuri Petrov']);
      const second = await admin.get('/agents?q=listing.test&pageSize=3&page=2');
      expect(second.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
      expect(second.body.items.map((a: { name: string }) => a.name)).toEqual(['Zoe Quinn']);
      expect(second.body.items[0]).not.toHaveProperty('passwordHash');
    });

    it('filters by q on the name, role, active and group', async () => {
      expect((await admin.get('/agents?q=petrov')).body.items.map((a: { name: string }) => a.name)).toEqual(['Yuri Petrov']);
      // A LIKE wildcard in q is matched literally.
      expect((await admin.get('/agents?q=%25')).body.total).toBe(0);
      const seniors = await admin.get('/agents?role=senior');
      expect(seniors.body.items.map((a: { email: string }) => a.email)).toEqual(['ann.smith@example.com']);
      const admins = await admin.get('/agents?role=admin&active=true');
      expect(admins.body.items.map((a: { email: string }) => a.email)).toEqual([ADMIN.email]);
      const firstLine = await admin.get(`/agents?q=listing.test&groupId=${groups['1st line'].id}`);
      expect(firstLine.body.items.map((a: { name: string }) => a.name)).toEqual(['Walter White', 'Yuri Petrov']);
      expect(firstLine.body.items[0].groups).toEqual([{ id: groups['1st line'].id, name: '1st line', line: 1 }]);
    });

    it('rejects bad list parameters', async () => {
      const res = await admin.get('/agents?pageSize=500&role=boss&active=yes&colour=red');
      expect(res.status).toBe(400);
      const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
      expect(paths).toEqual(['', 'active', 'pageSize', 'role']);
      expect(res.body.error.message).toContain('colour');
    });
  });

  describe('changing an agent', () => {
    let bob: { id: string; email: string };

    beforeAll(async () => {
      bob = await createAgent({ email: 'bob@example.com', name: 'Bob', groupIds: [groups['1st line'].id] });
    });

    it('renames, promotes and replaces the groups', async () => {
      const res = await admin.patch(`/agents/${bob.id}`, { name: 'Robert', role: 'senior', groupIds: [groups['2nd line'].id] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: bob.id, name: 'Robert', role: 'senior', active: true, groups: [{ id: groups['2nd line'].id, name: '2nd line', line: 2 }] });
      const both = await admin.patch(`/agents/${bob.id}`, { groupIds: [groups['2nd line'].id, groups['1st line'].id] });
      expect(both.body.groups.map((g: { name: string }) => g.name)).toEqual(['1st line', '2nd line']);
      expect(new Date(both.body.updatedAt).getTime()).toBeGreaterThan(new Date(res.body.updatedAt).getTime());
      const none = await admin.patch(`/agents/${bob.id}`, { groupIds: [] });
      expect(none.body.groups).toEqual([]);
    });

    it('changes the password', async () => {
      expect((await admin.patch(`/agents/${bob.id}`, { password: 'a brand new password' })).status).toBe(200);
      expect((await anon.post('/auth/login', { email: bob.email, password: 'long-enough-password' })).status).toBe(401);
      expect((await anon.post('/auth/login', { email: bob.email, password: 'a brand new password' })).status).toBe(200);
    });

    it('deactivates an agent, whose token stops working at once', async () => {
      const bobClient = await anon.login(bob.email, 'a brand new password');
      const res = await admin.patch(`/agents/${bob.id}`, { active: false });
      expect(res.body.active).toBe(false);
      expect((await bobClient.get('/me')).status).toBe(401);
      expect((await anon.post('/auth/login', { email: bob.email, password: 'a brand new password' })).status).toBe(401);
      expect((await admin.get('/agents?active=false')).body.items.map((a: { id: string }) => a.id)).toEqual([bob.id]);
    });

    it('rejects an empty or unknown change', async () => {
      const empty = await admin.patch(`/agents/${bob.id}`, {});
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain('nothing to change');
      const email = await admin.patch(`/agents/${bob.id}`, { email: 'new@example.com' });
      expect(email.status).toBe(400);
      expect(email.body.error.message).toContain('email');
    });
  });

  describe('admin safety', () => {
    it('refuses to let an admin demote or deactivate themselves', async () => {
      const demote = await admin.patch(`/agents/${adminId}`, { role: 'senior' });
      expect(demote.status).toBe(409);
      expect(demote.body.error.code).toBe('cannot_demote_self');
      const deactivate = await admin.patch(`/agents/${adminId}`, { active: false });
      expect(deactivate.status).toBe(409);
      expect(deactivate.body.error.code).toBe('cannot_deactivate_self');
      const me = await admin.get(`/agents/${adminId}`);
      expect(me.body).toMatchObject({ role: 'admin', active: true });
      // Changing one's own name is fine.
      expect((await admin.patch(`/agents/${adminId}`, { name: 'Administrator', role: 'admin', active: true })).status).toBe(200);
    });

    it('lets two admins who demote each other at the same moment leave exactly one admin', async () => {
      const second = await createAgent({ email: 'second.admin@example.com', name: 'Second Admin', role: 'admin' });
      const secondClient = await anon.login(second.email, 'long-enough-password');
      const [a, b] = await Promise.all([
        admin.patch(`/agents/${second.id}`, { role: 'specialist' }),
        secondClient.patch(`/agents/${adminId}`, { role: 'specialist' }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const loser = a.status === 200 ? b : a;
      if (loser.status === 409) expect(loser.body.error.code).toBe('last_active_admin');
      const admins = await core.ds.query(`SELECT email FROM agents WHERE role = 'admin' AND active`);
      expect(admins).toHaveLength(1);
      // Put things back for the tests that follow.
      await core.ds.query(`UPDATE agents SET role = 'admin' WHERE email = $1`, [ADMIN.email]);
      await core.ds.query(`UPDATE agents SET role = 'specialist' WHERE email = $1`, [second.email]);
    });
  });

  it('is for admins only: a specialist gets 403, and so does a request without a token 401', async () => {
    await createAgent({ email: 'spec@example.com', name: 'Spec', role: 'specialist' });
    const spec = await anon.login('spec@example.com', 'long-enough-password');
    for (const res of [await spec.get('/agents'), await spec.get(`/agents/${adminId}`), await spec.post('/agents', {}), await spec.patch(`/agents/${adminId}`, { name: 'x' })]) {
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'forbidden', message: 'this needs the role admin; you are specialist' });
    }
    expect((await anon.get('/agents')).status).toBe(401);
  });

  it('documents the endpoints in OpenAPI', async () => {
    const doc = (await (await fetch(`${core.url}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
    expect(doc.paths['/api/v1/agents'].post.tags).toEqual(['agents']);
    expect(Object.keys(doc.paths['/api/v1/agents/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
  });
});
