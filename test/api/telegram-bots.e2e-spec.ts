import { SecretBox } from '@switchboard/common';
import { ADMIN, ApiClient } from '../support/http.js';
import { startCore, type RunningCore } from '../support/core.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const SPEC = { email: 'telegram-spec@example.com', password: 'specialist-password' };
/** A token as BotFather writes them: the bot id, a colon, 35 characters. */
const token = (botId: number, tail = 'wxyz') => `${botId}:AAH${'k'.repeat(28)}${tail}`;

interface Issue {
  path: string;
  message: string;
}
const issues = (body: { error: { details?: Issue[] } }) => Object.fromEntries((body.error.details ?? []).map((d) => [d.path, d.message]));

describe('Telegram bots API (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let spec: ApiClient;
  let created: string[] = [];

  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/channels/telegram', body);
    if (res.status === 201) created.push(res.body.id);
    return res;
  };
  const row = async (id: string) => (await core.ds.query(`SELECT * FROM telegram_bots WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    core = await startCore();
    const anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    const agent = await admin.post('/agents', { email: SPEC.email, name: 'Telegram Specialist', role: 'specialist', password: SPEC.password });
    expect(agent.status).toBe(201);
    spec = await anon.login(SPEC.email, SPEC.password);
  });
  afterEach(async () => {
    if (created.length) await core.ds.query(`DELETE FROM telegram_bots WHERE id = ANY($1::uuid[])`, [created]);
    created = [];
  });
  afterAll(async () => {
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    await core.close();
  });

  it('creates a bot with the defaults, seals the token and a generated webhook secret, and never returns either', async () => {
    const res = await create({ name: 'Support bot', token: ` ${token(900000101)} ` });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Support bot',
      tokenHint: '900000101:…wxyz',
      botUserId: null,
      botUsername: null,
      greeting: expect.stringContaining('/new'),
      mode: 'polling',
      publicBaseUrl: null,
      webhookUrl: null,
      enabled: true,
      state: 'active',
      stateReason: null,
      stateChangedAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const stored = await row(res.body.id);
    const box = new SecretBox(core.config.SECRETS_KEY);
    expect(stored.token_encrypted).toMatch(/^v1:/);
    expect(stored.token_encrypted).not.toContain('kkkk');
    expect(box.open(stored.token_encrypted)).toBe(token(900000101));
    expect(stored.token_bot_id).toBe('900000101');
    const secret = box.open(stored.webhook_secret_encrypted);
    // Telegram allows 1–256 of A-Z, a-z, 0-9, _ and - in a secret_token.
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await create({ name: 'Second', token: token(900000102) });
    expect(box.open((await row(other.body.id)).webhook_secret_encrypted)).not.toBe(secret);

    // Any agent may read, never the secrets.
    for (const body of [(await spec.get(`/channels/telegram/${res.body.id}`)).body, (await spec.get('/channels/telegram')).body]) {
      const json = JSON.stringify(body);
      expect(json).not.toContain('kkkk');
      expect(json).not.toContain(secret);
      expect(json).not.toMatch(/v1:/);
    }
  });

  it('lists bots by name with paging and filters', async () => {
    // Names of their own, so bots other suites may have left do not count.
    await create({ name: 'tg-list Bravo', token: token(900000201) });
    const alpha = await create({ name: 'tg-list Alpha', token: token(900000202), enabled: false });
    await core.ds.query(`UPDATE telegram_bots SET bot_username = 'acme_help_bot' WHERE id = $1`, [alpha.body.id]);
    const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((b) => b.name);
    const all = await spec.get('/channels/telegram?q=tg-list&pageSize=1');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, pageSize: 1, items: [{ name: 'tg-list Alpha', botUsername: 'acme_help_bot', state: 'disabled' }] });
    expect(names(await spec.get('/channels/telegram?q=tg-list&page=2&pageSize=1'))).toEqual(['tg-list Bravo']);
    expect(names(await spec.get('/channels/telegram?q=tg-list&enabled=true'))).toEqual(['tg-list Bravo']);
    expect(names(await spec.get('/channels/telegram?q=tg-list&state=disabled'))).toEqual(['tg-list Alpha']);
    expect(names(await spec.get('/channels/telegram?q=@acme_help'))).toEqual(['tg-list Alpha']);
    expect((await spec.get('/channels/telegram?state=broken')).status).toBe(400);
  });

  it('takes webhook mode with a public URL and shows where Telegram calls', async () => {
    const res = await create({ name: 'Hooked', token: token(900000301), mode: 'webhook', publicBaseUrl: 'https://support.example.com/sb/', greeting: 'Hi there!' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      mode: 'webhook',
      publicBaseUrl: 'https://support.example.com/sb',
      webhookUrl: `https://support.example.com/sb/telegram/${res.body.id}/webhook`,
      greeting: 'Hi there!',
    });
    // Plain http only on a loopback host (a local Bot API server or the emulator), any port there.
    const local = await create({ name: 'Local', token: token(900000302), mode: 'webhook', publicBaseUrl: 'http://127.0.0.1:8081' });
    expect(local.body.webhookUrl).toBe(`http://127.0.0.1:8081/telegram/${local.body.id}/webhook`);
    const polling = await admin.patch(`/channels/telegram/${res.body.id}`, { mode: 'polling' });
    expect(polling.body).toMatchObject({ mode: 'polling', publicBaseUrl: 'https://support.example.com/sb', webhookUrl: null });
  });

  it('refuses what cannot work, saying why', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const res = await admin.post('/channels/telegram', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      return issues(res.body);
    };
    expect(await bad({ name: 'x', token: 'not-a-token' })).toEqual({ token: expect.stringMatching(/^is not a Telegram bot token .*copy it from BotFather$/) });
    expect(await bad({ name: 'x', token: `bot${token(900000401)}` })).toEqual({ token: expect.stringContaining('without the "bot"') });
    expect(await bad({ name: 'x', token: '' })).toEqual({ token: 'must not be empty: copy the token from BotFather' });
    expect(await bad({ name: 'x', token: '1234:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).toEqual({ token: expect.stringContaining('not a Telegram bot token') });
    expect(await bad({ name: '', token: token(900000402) })).toEqual({ name: 'must not be empty' });
    expect(await bad({ name: 'x', token: token(900000403), greeting: 'g'.repeat(4097) })).toEqual({ greeting: 'must be at most 4096 characters' });
    expect(await bad({ name: 'x', token: token(900000404), mode: 'push' })).toEqual({ mode: 'must be webhook or polling' });
    expect(await bad({ name: 'x', token: token(900000405), mode: 'webhook' })).toEqual({ publicBaseUrl: expect.stringContaining('is required in webhook mode') });
    expect(await bad({ name: 'x', token: token(900000406), mode: 'webhook', publicBaseUrl: 'http://support.example.com' })).toEqual({
      publicBaseUrl: expect.stringContaining('must be an https:// URL'),
    });
    expect(await bad({ name: 'x', token: token(900000407), mode: 'webhook', publicBaseUrl: 'support.example.com' })).toEqual({
      publicBaseUrl: 'must be an absolute URL such as https://support.example.com',
    });
    expect(await bad({ name: 'x', token: token(900000408), mode: 'webhook', publicBaseUrl: 'https://support.example.com:3000' })).toEqual({
      publicBaseUrl: 'Telegram only calls webhooks on ports 443, 80, 88, 8443',
    });
    expect(await bad({ name: 'x', token: token(900000409), webhookSecret: 'mine' })).toEqual({ '': expect.stringContaining('webhookSecret') });

    const { body } = await create({ name: 'Ok', token: token(900000410) });
    const res = await admin.patch(`/channels/telegram/${body.id}`, { mode: 'webhook' });
    expect(res.status).toBe(400);
    expect(issues(res.body)).toEqual({ publicBaseUrl: expect.stringContaining('is required in webhook mode') });
    expect((await admin.patch(`/channels/telegram/${body.id}`, {})).status).toBe(400);
    expect((await admin.get(`/channels/telegram/${MISSING}`)).status).toBe(404);
    expect((await admin.get('/channels/telegram/nope')).status).toBe(400);
  });

  it('answers 409 for a bot that is connected already, under any of its tokens', async () => {
    const first = await create({ name: 'One', token: token(900000501) });
    const again = await create({ name: 'Again', token: token(900000501, 'abcd') });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'telegram_bot_taken', message: expect.stringContaining('"One"') });
    const other = await create({ name: 'Other', token: token(900000502) });
    const moved = await admin.patch(`/channels/telegram/${other.body.id}`, { token: token(900000501, 'efgh') });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('telegram_bot_taken');
    // A new token of the same bot (revoked in BotFather) is fine.
    const renewed = await admin.patch(`/channels/telegram/${first.body.id}`, { token: token(900000501, 'newt') });
    expect(renewed.status).toBe(200);
    expect(renewed.body.tokenHint).toBe('900000501:…newt');
  });

  it('lets only admins write', async () => {
    const { body } = await create({ name: 'Roles', token: token(900000601) });
    expect((await spec.post('/channels/telegram', { name: 'x', token: token(900000602) })).status).toBe(403);
    expect((await spec.patch(`/channels/telegram/${body.id}`, { name: 'x' })).status).toBe(403);
    expect((await spec.delete(`/channels/telegram/${body.id}`)).status).toBe(403);
    expect((await spec.get(`/channels/telegram/${body.id}`)).status).toBe(200);
    expect((await new ApiClient(core.api).get('/channels/telegram')).status).toBe(401);
  });

  it('changes only what PATCH sends; a token of another bot forgets what getMe said', async () => {
    const { body: before } = await create({ name: 'Patch', token: token(900000701) });
    await core.ds.query(`UPDATE telegram_bots SET bot_user_id = 900000701, bot_username = 'patch_bot' WHERE id = $1`, [before.id]);
    const old = await row(before.id);
    const res = await admin.patch(`/channels/telegram/${before.id}`, { name: 'Renamed', greeting: 'Welcome!' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...before, name: 'Renamed', greeting: 'Welcome!', botUserId: '900000701', botUsername: 'patch_bot', updatedAt: expect.any(String) });
    expect((await row(before.id)).token_encrypted).toBe(old.token_encrypted);

    const same = await admin.patch(`/channels/telegram/${before.id}`, { token: token(900000701, 'zzzz') });
    expect(same.body).toMatchObject({ tokenHint: '900000701:…zzzz', botUsername: 'patch_bot' });
    const stored = await row(before.id);
    expect(new SecretBox(core.config.SECRETS_KEY).open(stored.token_encrypted)).toBe(token(900000701, 'zzzz'));
    // The webhook secret stays: the registered webhook keeps working.
    expect(stored.webhook_secret_encrypted).toBe(old.webhook_secret_encrypted);

    const other = await admin.patch(`/channels/telegram/${before.id}`, { token: token(900000702) });
    expect(other.body).toMatchObject({ tokenHint: '900000702:…wxyz', botUserId: null, botUsername: null });
  });

  it('moves the state: disabled with enabled, and from error back to active when enabled or reconnected', async () => {
    const { body } = await create({ name: 'State', token: token(900000801) });
    const fail = (reason: string) => core.ds.query(`UPDATE telegram_bots SET state = 'error', state_reason = $2 WHERE id = $1`, [body.id, reason]);

    await fail('401 Unauthorized');
    expect((await spec.get(`/channels/telegram/${body.id}`)).body).toMatchObject({ state: 'error', stateReason: '401 Unauthorized' });
    // A change that has nothing to do with reaching Telegram leaves the error.
    expect((await admin.patch(`/channels/telegram/${body.id}`, { greeting: 'Hello' })).body).toMatchObject({ state: 'error' });
    expect((await admin.patch(`/channels/telegram/${body.id}`, { token: token(900000801, 'good') })).body).toMatchObject({ state: 'active', stateReason: null });

    await fail('setWebhook: bad webhook');
    expect((await admin.patch(`/channels/telegram/${body.id}`, { mode: 'webhook', publicBaseUrl: 'https://tg.example.com' })).body).toMatchObject({
      state: 'active',
      stateReason: null,
    });
    await fail('409 Conflict');
    expect((await admin.patch(`/channels/telegram/${body.id}`, { enabled: true })).body).toMatchObject({ state: 'active' });

    expect((await admin.patch(`/channels/telegram/${body.id}`, { enabled: false })).body).toMatchObject({ enabled: false, state: 'disabled' });
    expect((await admin.patch(`/channels/telegram/${body.id}`, { token: token(900000801, 'more') })).body).toMatchObject({ state: 'disabled' });
    expect((await admin.patch(`/channels/telegram/${body.id}`, { enabled: true })).body).toMatchObject({ enabled: true, state: 'active' });
    expect((await create({ name: 'Born off', token: token(900000802), enabled: false })).body.state).toBe('disabled');
  });

  it('deletes a bot with its chats', async () => {
    const { body } = await create({ name: 'Delete', token: token(900000901) });
    await core.ds.query(`INSERT INTO telegram_chats (bot_id, chat_id, thread_seq) VALUES ($1, 5550001, 2)`, [body.id]);
    expect((await admin.delete(`/channels/telegram/${body.id}`)).status).toBe(204);
    expect((await admin.get(`/channels/telegram/${body.id}`)).status).toBe(404);
    expect((await admin.delete(`/channels/telegram/${body.id}`)).status).toBe(404);
    expect(await core.ds.query(`SELECT 1 FROM telegram_chats WHERE bot_id = $1`, [body.id])).toEqual([]);
  });
});
