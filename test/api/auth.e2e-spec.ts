import { ADMIN, ApiClient } from '../support/http.js';
import { resetState, startCore, type RunningCore } from '../support/core.js';

describe('auth and health (real Postgres + Redis)', () => {
  let core: RunningCore;
  let anon: ApiClient;

  beforeAll(async () => {
    core = await startCore({ LOGIN_MAX_FAILURES: '3' });
    await resetState(core);
    anon = new ApiClient(core.api);
  });
  afterAll(() => core.close());

  it('reports database and Redis health', async () => {
    const res = await fetch(`${core.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('logs the seeded admin in and answers /me', async () => {
    const res = await anon.post('/auth/login', ADMIN);
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    const me = await anon.withToken(res.body.accessToken).get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
  });

  it('refuses a wrong password with 401 and a code', async () => {
    const res = await anon.post('/auth/login', { email: ADMIN.email, password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthenticated', message: 'e-mail or password is wrong', errorId: expect.any(String) });
  });

  it('rejects a malformed login body with 400 naming the field', async () => {
    const res = await anon.post('/auth/login', { email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toContain('email');
    expect(res.body.error.message).toContain('password');
  });

  it('answers 401 without a token and for a forged one', async () => {
    expect((await anon.get('/me')).status).toBe(401);
    const forged = await anon.withToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl').get('/me');
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toBe('access token is invalid');
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${core.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, any>> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/auth/login');
    // Request bodies are described from the same zod schemas that validate them.
    const create = doc.paths['/api/v1/tickets'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['subject']);
    expect(create.properties.priority.enum).toEqual(['low', 'normal', 'high', 'urgent']);
  });

  it('answers an unknown route with the JSON error shape', async () => {
    const res = await anon.get('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('refuses logins for a while after repeated wrong passwords, across replicas (counted in Redis)', async () => {
    const admin = await anon.login(ADMIN.email, ADMIN.password);
    expect((await admin.post('/agents', { email: 'guess@desk.test', name: 'Guess Me', role: 'specialist', password: 'right-password-1' })).status).toBe(201);
    for (let i = 0; i < 3; i++) {
      expect((await anon.post('/auth/login', { email: 'guess@desk.test', password: `wrong-${i}` })).status).toBe(401);
    }
    const blocked = await anon.post('/auth/login', { email: 'guess@desk.test', password: 'right-password-1' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('too many failed logins') });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    // Another account from the same address is not affected.
    expect((await anon.post('/auth/login', ADMIN)).status).toBe(200);
  });

  it('lets an agent change their own password with the current one', async () => {
    const admin = await anon.login(ADMIN.email, ADMIN.password);
    await admin.post('/agents', { email: 'mover@desk.test', name: 'Mover', role: 'specialist', password: 'first-password-1' });
    const mover = await anon.login('mover@desk.test', 'first-password-1');
    const wrong = await mover.patch('/me/password', { currentPassword: 'nope', newPassword: 'second-password-2' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe('currentPassword is wrong');
    expect((await mover.patch('/me/password', { currentPassword: 'first-password-1', newPassword: 'short' })).status).toBe(400);
    expect((await mover.patch('/me/password', { currentPassword: 'first-password-1', newPassword: 'second-password-2' })).status).toBe(204);
    expect((await anon.post('/auth/login', { email: 'mover@desk.test', password: 'first-password-1' })).status).toBe(401);
    expect((await anon.post('/auth/login', { email: 'mover@desk.test', password: 'second-password-2' })).status).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await fetch(`${core.url}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
