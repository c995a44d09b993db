import { SecretBox } from '@switchboard/common';
import { ADMIN, ApiClient } from '../support/http.js';
import { startCore, type RunningCore } from '../support/core.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const SPEC = { email: 'sms-spec@example.com', password: 'specialist-password' };
const PUBLIC_URL = 'https://sms.example.test/gw';
/** Secrets with a recognisable middle, so a leak in a response is easy to spot. */
const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'c0ffee' + 'e'.repeat(26);
const API_ID = '1A2B3C4D-5E6F-7A8B-9C0D-DEADBEEF5C6D';
const SMPP_PASSWORD = 'pw!s3cr';
const twilio = (over: Record<string, unknown> = {}) => ({
  name: 'Twilio UK',
  provider: 'twilio',
  sender: '+44 7911 100001',
  credentials: { accountSid: SID, authToken: TOKEN },
  ...over,
});

interface Issue {
  path: string;
  message: string;
}
const issues = (body: { error: { details?: Issue[] } }) => Object.fromEntries((body.error.details ?? []).map((d) => [d.path, d.message]));

describe('SMS channels API (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let spec: ApiClient;
  let box: SecretBox;
  let created: string[] = [];

  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/channels/sms', body);
    if (res.status === 201) created.push(res.body.id);
    return res;
  };
  const row = async (id: string) => (await core.ds.query(`SELECT * FROM sms_channels WHERE id = $1`, [id]))[0];
  const leaks = (body: unknown, ...secrets: string[]) => {
    const json = JSON.stringify(body);
    for (const s of secrets) expect(json).not.toContain(s);
    expect(json).not.toMatch(/v1:/);
  };

  beforeAll(async () => {
    core = await startCore({ SMS_PUBLIC_URL: `${PUBLIC_URL}/` });
    box = new SecretBox(core.config.SECRETS_KEY);
    const anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    const agent = await admin.post('/agents', { email: SPEC.email, name: 'SMS Specialist', role: 'specialist', password: SPEC.password });
    expect(agent.status).toBe(201);
    spec = await anon.login(SPEC.email, SPEC.password);
  });
  afterEach(async () => {
    if (created.length) await core.ds.query(`DELETE FROM sms_channels WHERE id = ANY($1::uuid[])`, [created]);
    created = [];
  });
  afterAll(async () => {
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    await core.close();
  });

  it('creates a Twilio channel with the defaults, seals the credentials, and shows the webhook URLs to set at Twilio', async () => {
    const res = await create(twilio());
    expect(res.status).toBe(201);
    const id = res.body.id;
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Twilio UK',
      provider: 'twilio',
      sender: '+447911100001',
      credentialsHint: 'AC01…cdef',
      smppHost: null,
      smppPort: null,
      baseUrl: 'https://api.twilio.com',
      throughputPerSecond: 10,
      maxSegments: 6,
      defaultRegion: null,
      webhookUrls: { inbound: `${PUBLIC_URL}/sms/${id}/twilio/inbound`, status: `${PUBLIC_URL}/sms/${id}/twilio/status` },
      enabled: true,
      state: 'active',
      stateReason: null,
      stateChangedAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const stored = await row(id);
    expect(stored.credentials_encrypted).toMatch(/^v1:/);
    expect(stored.credentials_encrypted).not.toContain('c0ffee');
    expect(JSON.parse(box.open(stored.credentials_encrypted))).toEqual({ accountSid: SID, authToken: TOKEN });
    expect(box.open(stored.webhook_secret_encrypted)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Any agent may read, never the secrets.
    for (const body of [(await spec.get(`/channels/sms/${id}`)).body, (await spec.get('/channels/sms')).body]) leaks(body, TOKEN, box.open(stored.webhook_secret_encrypted));
    expect((await spec.get(`/channels/sms/${id}`)).body).toEqual({ ...res.body });
  });

  it('shows the SMS.ru callback URL, which carries the channel\'s secret, only on creation and to admins asking for it', async () => {
    const res = await create({ name: 'SMS.ru', provider: 'smsru', sender: 'ACME', credentials: { apiId: API_ID }, baseUrl: 'http://127.0.0.1:9/smsru/', defaultRegion: 'ru' });
    expect(res.status).toBe(201);
    const id = res.body.id;
    const secret = box.open((await row(id)).webhook_secret_encrypted);
    expect(res.body).toMatchObject({
      provider: 'smsru',
      sender: 'ACME',
      credentialsHint: '…5C6D',
      baseUrl: 'http://127.0.0.1:9/smsru',
      defaultRegion: 'RU',
      webhookUrls: { callback: `${PUBLIC_URL}/sms/${id}/smsru/${secret}` },
    });
    expect(JSON.parse(box.open((await row(id)).credentials_encrypted))).toEqual({ apiId: API_ID });

    const shown = await spec.get(`/channels/sms/${id}`);
    expect(shown.body.webhookUrls).toEqual({ callback: null });
    leaks(shown.body, secret, 'DEADBEEF');
    leaks((await spec.get('/channels/sms?provider=smsru')).body, secret, 'DEADBEEF');
    leaks((await admin.patch(`/channels/sms/${id}`, { name: 'SMS.ru RU' })).body, secret, 'DEADBEEF');

    expect((await spec.get(`/channels/sms/${id}/webhook-urls`)).status).toBe(403);
    const urls = await admin.get(`/channels/sms/${id}/webhook-urls`);
    expect(urls.status).toBe(200);
    expect(urls.body).toEqual({ id, provider: 'smsru', webhookUrls: { callback: `${PUBLIC_URL}/sms/${id}/smsru/${secret}` } });
    expect((await admin.get(`/channels/sms/${MISSING}/webhook-urls`)).status).toBe(404);
  });

  it('takes an SMPP channel with its SMSC, and has no webhooks for it', async () => {
    const res = await create({
      name: 'SMPP',
      provider: 'smpp',
      sender: '+7 912 345-67-89',
      smppHost: 'SMSC.Example.com',
      credentials: { systemId: 'acme', password: SMPP_PASSWORD, systemType: 'VMA' },
      throughputPerSecond: 50,
      maxSegments: 3,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ provider: 'smpp', sender: '+79123456789', smppHost: 'smsc.example.com', smppPort: 2775, baseUrl: null, credentialsHint: 'acme', webhookUrls: null, throughputPerSecond: 50, maxSegments: 3 });
    leaks(res.body, SMPP_PASSWORD);
    expect(JSON.parse(box.open((await row(res.body.id)).credentials_encrypted))).toEqual({ systemId: 'acme', password: SMPP_PASSWORD, systemType: 'VMA' });
    expect((await admin.get(`/channels/sms/${res.body.id}/webhook-urls`)).body).toEqual({ id: res.body.id, provider: 'smpp', webhookUrls: null });
  });

  it('refuses what cannot work, saying why, per provider', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const res = await admin.post('/channels/sms', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      return issues(res.body);
    };
    expect(await bad(twilio({ credentials: { accountSid: 'AC123', authToken: TOKEN } }))).toEqual({
      'credentials.accountSid': 'must be the Account SID from the Twilio console: AC followed by 32 hexadecimal digits (0-9, a-f)',
    });
    expect(await bad(twilio({ credentials: { accountSid: SID, authToken: 'short' } }))).toEqual({
      'credentials.authToken': 'must be the Auth Token from the Twilio console: 32 hexadecimal digits (0-9, a-f)',
    });
    expect(await bad(twilio({ credentials: { accountSid: SID } }))).toEqual({ 'credentials.authToken': 'is required for Twilio' });
    expect(await bad(twilio({ credentials: { apiId: API_ID } }))).toEqual({
      'credentials.apiId': 'is not a Twilio credential; Twilio needs accountSid, authToken',
      'credentials.accountSid': 'is required for Twilio',
      'credentials.authToken': 'is required for Twilio',
    });
    expect(await bad(twilio({ credentials: undefined }))).toEqual({ credentials: 'are required: Twilio needs accountSid, authToken' });
    expect(await bad(twilio({ smppHost: 'smsc.example.com' }))).toEqual({ smppHost: 'is only for SMPP; Twilio is reached at baseUrl' });
    expect(await bad(twilio({ baseUrl: 'https://api.twilio.com/?x=1' }))).toEqual({ baseUrl: 'must not have a query or fragment: the API paths are added to it' });
    expect(await bad(twilio({ baseUrl: 'ftp://api.twilio.com' }))).toEqual({ baseUrl: 'must be an http:// or https:// URL' });
    expect(await bad({ name: 'x', provider: 'smsru', sender: 'ACME', credentials: { apiId: 'not-an-api-id' } })).toEqual({
      'credentials.apiId': expect.stringContaining('must be the api_id from your SMS.ru account'),
    });
    expect(await bad({ name: 'x', provider: 'smpp', sender: 'ACME', credentials: { systemId: 'a'.repeat(16), password: 'p'.repeat(9) } })).toEqual({
      smppHost: 'is required for SMPP: the host name or IP address of your provider\'s SMSC',
      'credentials.systemId': expect.stringContaining('must be at most 15 characters'),
      'credentials.password': expect.stringContaining('must be at most 8 characters'),
    });
    expect(await bad({ name: 'x', provider: 'smpp', sender: 'ACME', smppHost: 'smsc.example.com:2775', credentials: { systemId: 'a', password: 'b' } })).toEqual({
      smppHost: 'write the port in its own field, not after the host name',
    });
    expect(await bad({ name: 'x', provider: 'smpp', sender: 'ACME', smppHost: 'smsc.example.com', smppPort: 70000, credentials: { systemId: 'a', password: 'b' } })).toEqual({
      smppPort: 'must be a port number from 1 to 65535',
    });
    expect(await bad(twilio({ sender: '07911 100001' }))).toEqual({ sender: expect.stringContaining('write it in international format') });
    expect(await bad(twilio({ sender: 'AcmeSupportDesk' }))).toEqual({ sender: expect.stringContaining('at most 11 characters') });
    expect(await bad(twilio({ sender: 'Acme_Help' }))).toEqual({ sender: expect.stringContaining('only the letters A-Z, digits and spaces') });
    expect(await bad(twilio({ provider: 'nexmo' }))).toEqual({ provider: 'must be smpp, twilio, smsru' });
    expect(await bad(twilio({ throughputPerSecond: 0 }))).toEqual({ throughputPerSecond: 'must be a whole number from 1 to 1000' });
    expect(await bad(twilio({ maxSegments: 21 }))).toEqual({ maxSegments: 'must be a whole number from 1 to 20' });
    expect(await bad(twilio({ defaultRegion: 'Russia' }))).toEqual({ defaultRegion: expect.stringContaining('two-letter country code') });
    expect(await bad(twilio({ webhookSecret: 'mine' }))).toEqual({ '': expect.stringContaining('webhookSecret') });

    expect((await admin.get(`/channels/sms/${MISSING}`)).status).toBe(404);
    expect((await admin.get('/channels/sms/nope')).status).toBe(400);
    expect((await admin.get('/channels/sms?state=broken')).status).toBe(400);
  });

  it('answers 409 for a number another channel has', async () => {
    const first = await create(twilio({ sender: '+44 7911 100002' }));
    const again = await create({ name: 'Again', provider: 'smsru', sender: '+447911100002', credentials: { apiId: API_ID } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'sms_sender_taken', message: expect.stringContaining('"Twilio UK"') });
    const other = await create(twilio({ sender: '+44 7911 100003' }));
    const moved = await admin.patch(`/channels/sms/${other.body.id}`, { sender: '+447911100002' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('sms_sender_taken');
    // Alphanumeric sender ids may repeat (they receive nothing); the channel keeps its own number.
    expect((await create(twilio({ sender: 'ACME' }))).status).toBe(201);
    expect((await create(twilio({ sender: 'ACME' }))).status).toBe(201);
    expect((await admin.patch(`/channels/sms/${first.body.id}`, { sender: '+447911100002', name: 'Same' })).status).toBe(200);
  });

  it('lists channels by name with paging and filters', async () => {
    await create(twilio({ name: 'sms-list Bravo', sender: '+447911100011' }));
    await create({ name: 'sms-list Alpha', provider: 'smsru', sender: 'ALPHA', credentials: { apiId: API_ID }, enabled: false });
    const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((b) => b.name);
    const all = await spec.get('/channels/sms?q=sms-list&pageSize=1');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, pageSize: 1, items: [{ name: 'sms-list Alpha', state: 'disabled' }] });
    expect(names(await spec.get('/channels/sms?q=sms-list&page=2&pageSize=1'))).toEqual(['sms-list Bravo']);
    expect(names(await spec.get('/channels/sms?q=sms-list&enabled=true'))).toEqual(['sms-list Bravo']);
    expect(names(await spec.get('/channels/sms?q=sms-list&provider=smsru'))).toEqual(['sms-list Alpha']);
    expect(names(await spec.get('/channels/sms?q=sms-list&state=disabled'))).toEqual(['sms-list Alpha']);
    expect(names(await spec.get('/channels/sms?q=%2B447911100011'))).toEqual(['sms-list Bravo']);
  });

  it('lets only admins write', async () => {
    const { body } = await create(twilio({ sender: '+447911100021' }));
    expect((await spec.post('/channels/sms', twilio({ sender: '+447911100022' }))).status).toBe(403);
    expect((await spec.patch(`/channels/sms/${body.id}`, { name: 'x' })).status).toBe(403);
    expect((await spec.delete(`/channels/sms/${body.id}`)).status).toBe(403);
    expect((await spec.get(`/channels/sms/${body.id}`)).status).toBe(200);
    expect((await new ApiClient(core.api).get('/channels/sms')).status).toBe(401);
  });

  it('changes only what PATCH sends; new credentials replace the old ones whole', async () => {
    const { body: before } = await create(twilio({ sender: '+447911100031', baseUrl: 'http://127.0.0.1:9/twilio' }));
    const old = await row(before.id);
    const res = await admin.patch(`/channels/sms/${before.id}`, { name: 'Renamed', throughputPerSecond: 1, maxSegments: 2, defaultRegion: 'gb' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...before, name: 'Renamed', throughputPerSecond: 1, maxSegments: 2, defaultRegion: 'GB', updatedAt: expect.any(String) });
    expect((await row(before.id)).credentials_encrypted).toBe(old.credentials_encrypted);

    const token2 = 'a'.repeat(32);
    const rotated = await admin.patch(`/channels/sms/${before.id}`, { credentials: { accountSid: SID, authToken: token2 } });
    expect(rotated.body.credentialsHint).toBe('AC01…cdef');
    const stored = await row(before.id);
    expect(JSON.parse(box.open(stored.credentials_encrypted))).toEqual({ accountSid: SID, authToken: token2 });
    // The SMS.ru secret stays: configured callbacks keep working.
    expect(stored.webhook_secret_encrypted).toBe(old.webhook_secret_encrypted);
    const partial = await admin.patch(`/channels/sms/${before.id}`, { credentials: { authToken: token2 } });
    expect(partial.status).toBe(400);
    expect(issues(partial.body)).toEqual({ 'credentials.accountSid': 'is required for Twilio' });

    // baseUrl null goes back to the provider's API.
    expect((await admin.patch(`/channels/sms/${before.id}`, { baseUrl: null })).body.baseUrl).toBe('https://api.twilio.com');
    expect(issues((await admin.patch(`/channels/sms/${before.id}`, { smppPort: 2775 })).body)).toEqual({ smppPort: 'is only for SMPP; Twilio is reached at baseUrl' });
    expect((await admin.patch(`/channels/sms/${before.id}`, {})).status).toBe(400);
  });

  it('moves a channel to another provider only with that provider\'s credentials', async () => {
    const { body } = await create(twilio({ sender: '+447911100041', baseUrl: 'http://127.0.0.1:9/twilio' }));
    const without = await admin.patch(`/channels/sms/${body.id}`, { provider: 'smpp', smppHost: 'smsc.example.com' });
    expect(without.status).toBe(400);
    expect(issues(without.body)).toEqual({ credentials: 'are required when the provider changes: the twilio credentials do not fit smpp' });
    const noHost = await admin.patch(`/channels/sms/${body.id}`, { provider: 'smpp', credentials: { systemId: 'acme', password: 'pw' } });
    expect(issues(noHost.body)).toEqual({ smppHost: expect.stringContaining('is required for SMPP') });

    const smpp = await admin.patch(`/channels/sms/${body.id}`, { provider: 'smpp', smppHost: '10.0.0.5', smppPort: 2776, credentials: { systemId: 'acme', password: 'pw' } });
    expect(smpp.status).toBe(200);
    expect(smpp.body).toMatchObject({ id: body.id, provider: 'smpp', sender: '+447911100041', smppHost: '10.0.0.5', smppPort: 2776, baseUrl: null, credentialsHint: 'acme', webhookUrls: null });
    const back = await admin.patch(`/channels/sms/${body.id}`, { provider: 'smsru', credentials: { apiId: API_ID } });
    expect(back.body).toMatchObject({ provider: 'smsru', smppHost: null, smppPort: null, baseUrl: 'https://sms.ru', credentialsHint: '…5C6D', webhookUrls: { callback: null } });
  });

  it('moves the state: disabled with enabled, and from error back to active when enabled or reconnected', async () => {
    const { body } = await create(twilio({ sender: '+447911100051' }));
    const fail = (reason: string) => core.ds.query(`UPDATE sms_channels SET state = 'error', state_reason = $2 WHERE id = $1`, [body.id, reason]);

    await fail('Twilio 20003: Authenticate');
    expect((await spec.get(`/channels/sms/${body.id}`)).body).toMatchObject({ state: 'error', stateReason: 'Twilio 20003: Authenticate' });
    // A change that has nothing to do with reaching the provider leaves the error.
    for (const change of [{ name: 'Other name' }, { throughputPerSecond: 5 }, { maxSegments: 3 }, { defaultRegion: 'GB' }]) {
      expect((await admin.patch(`/channels/sms/${body.id}`, change)).body).toMatchObject({ state: 'error' });
    }
    expect((await admin.patch(`/channels/sms/${body.id}`, { credentials: { accountSid: SID, authToken: 'b'.repeat(32) } })).body).toMatchObject({
      state: 'active',
      stateReason: null,
    });
    await fail('21606: the From number is not a valid, SMS-capable number');
    expect((await admin.patch(`/channels/sms/${body.id}`, { sender: '+447911100052' })).body).toMatchObject({ state: 'active' });
    await fail('connect ECONNREFUSED');
    expect((await admin.patch(`/channels/sms/${body.id}`, { baseUrl: 'http://127.0.0.1:9' })).body).toMatchObject({ state: 'active' });
    await fail('bad');
    expect((await admin.patch(`/channels/sms/${body.id}`, { enabled: true })).body).toMatchObject({ state: 'active' });

    expect((await admin.patch(`/channels/sms/${body.id}`, { enabled: false })).body).toMatchObject({ enabled: false, state: 'disabled' });
    expect((await admin.patch(`/channels/sms/${body.id}`, { baseUrl: null })).body).toMatchObject({ state: 'disabled' });
    expect((await admin.patch(`/channels/sms/${body.id}`, { enabled: true })).body).toMatchObject({ enabled: true, state: 'active' });
    expect((await create(twilio({ sender: '+447911100053', enabled: false }))).body.state).toBe('disabled');
  });

  it('deletes a channel', async () => {
    const { body } = await create(twilio({ sender: '+447911100061' }));
    expect((await admin.delete(`/channels/sms/${body.id}`)).status).toBe(204);
    expect((await admin.get(`/channels/sms/${body.id}`)).status).toBe(404);
    expect((await admin.delete(`/channels/sms/${body.id}`)).status).toBe(404);
  });
});
