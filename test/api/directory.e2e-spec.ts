import { StatusesService } from '../../apps/core/src/statuses/statuses.service.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { resetState, startCore, type RunningCore } from '../support/core.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

interface Issue {
  path: string;
  message: string;
}
const issuePaths = (body: { error: { details?: Issue[] } }) => (body.error.details ?? []).map((d) => d.path).sort();

describe('directory API: groups, companies, contacts, statuses (real Postgres + Redis)', () => {
  let core: RunningCore;
  let anon: ApiClient;
  let admin: ApiClient;
  let spec: ApiClient;
  let adminId: string;
  let specId: string;

  beforeAll(async () => {
    core = await startCore();
    await resetState(core);
    anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    adminId = (await admin.get('/me')).body.id;
    const created = await admin.post('/agents', { email: 'spec@example.com', name: 'Sam Specialist', role: 'specialist', password: 'specialist-password' });
    expect(created.status).toBe(201);
    specId = created.body.id;
    spec = await anon.login('spec@example.com', 'specialist-password');
  });
  afterAll(() => core.close());

  describe('groups', () => {
    it('lists the seeded groups with member counts for any agent', async () => {
      const res = await spec.get('/groups');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          { id: expect.any(String), name: '1st line', line: 1, memberCount: 1, createdAt: expect.any(String), updatedAt: expect.any(String) },
          { id: expect.any(String), name: '2nd line', line: 2, memberCount: 1, createdAt: expect.any(String), updatedAt: expect.any(String) },
        ],
        total: 2,
        page: 1,
        pageSize: 25,
      });
    });

    it('shows one group with its members', async () => {
      const firstLine = (await spec.get('/groups?line=1')).body.items[0];
      const res = await spec.get(`/groups/${firstLine.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: '1st line', line: 1, memberCount: 1 });
      expect(res.body.members).toEqual([{ id: adminId, name: 'Administrator', email: ADMIN.email, role: 'admin', active: true }]);
    });

    it('lets an admin create and change groups; names are unique ignoring case', async () => {
      const created = await admin.post('/groups', { name: '  VIP desk ' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'VIP desk', line: null, memberCount: 0, members: [] });

      const dup = await admin.post('/groups', { name: 'vip DESK', line: 1 });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('group_name_taken');
      expect(dup.body.error.message).toContain('"VIP desk"');

      const changed = await admin.patch(`/groups/${created.body.id}`, { name: 'VIP', line: 2 });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id: created.body.id, name: 'VIP', line: 2 });
      const clash = await admin.patch(`/groups/${created.body.id}`, { name: '1st LINE' });
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('group_name_taken');
      // Keeping one's own name is not a clash.
      expect((await admin.patch(`/groups/${created.body.id}`, { name: 'VIP', line: null })).body.line).toBeNull();

      const joined = await admin.patch(`/agents/${specId}`, { groupIds: [created.body.id] });
      expect(joined.status).toBe(200);
      const withMember = await spec.get(`/groups/${created.body.id}`);
      expect(withMember.body.memberCount).toBe(1);
      expect(withMember.body.members.map((m: { email: string }) => m.email)).toEqual(['spec@example.com']);
    });

    it('validates group bodies', async () => {
      const res = await admin.post('/groups', { name: '', line: 3, colour: 'red' });
      expect(res.status).toBe(400);
      expect(issuePaths(res.body)).toEqual(['', 'line', 'name']);
      expect(res.body.error.message).toContain('line: must be 1, 2 or null');
      expect(res.body.error.message).toContain('colour');
    });

    it('pages, filters and orders by name', async () => {
      const first = await spec.get('/groups?pageSize=2');
      expect(first.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(first.body.items.map((g: { name: string }) => g.name)).toEqual(['1st line', '2nd line']);
      expect((await spec.get('/groups?pageSize=2&page=2')).body.items.map((g: { name: string }) => g.name)).toEqual(['VIP']);
      expect((await spec.get('/groups?q=vi')).body.items.map((g: { name: string }) => g.name)).toEqual(['VIP']);
      expect((await spec.get('/groups?line=2')).body.items.map((g: { name: string }) => g.name)).toEqual(['2nd line']);
      expect((await spec.get('/groups?line=3')).status).toBe(400);
    });

    it('answers 404 and 400 for ids, and 403 to a specialist who writes', async () => {
      expect((await spec.get(`/groups/${MISSING}`)).body.error.message).toBe(`group ${MISSING} does not exist`);
      expect((await admin.patch(`/groups/${MISSING}`, { name: 'x' })).status).toBe(404);
      expect((await spec.get('/groups/nope')).status).toBe(400);
      const post = await spec.post('/groups', { name: 'Rogue' });
      expect(post.status).toBe(403);
      expect(post.body.error.code).toBe('forbidden');
      const groupId = (await spec.get('/groups')).body.items[0].id;
      expect((await spec.patch(`/groups/${groupId}`, { name: 'Rogue' })).status).toBe(403);
      expect((await spec.get('/groups?q=rogue')).body.total).toBe(0);
    });
  });

  describe('companies', () => {
    let acme: { id: string };

    it('creates a company with normalised, de-duplicated domains', async () => {
      const res = await spec.post('/companies', { name: 'Acme Ltd', domains: ['Acme.COM', '@acme.co.uk', 'acme.com.'] });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Acme Ltd',
        domains: ['acme.co.uk', 'acme.com'],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      acme = res.body;
      expect((await spec.get(`/companies/${acme.id}`)).body).toEqual(res.body);
    });

    it('refuses a domain another company owns, naming that company', async () => {
      const res = await spec.post('/companies', { name: 'Acme Imposters', domains: ['imposters.com', 'ACME.com'] });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('domain_taken');
      expect(res.body.error.message).toBe(`the domain acme.com already belongs to the company "Acme Ltd" (${acme.id})`);
      expect((await spec.get('/companies?q=imposters')).body.total).toBe(0);
    });

    it('refuses a duplicate name and invalid domains', async () => {
      const dup = await spec.post('/companies', { name: 'ACME LTD' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('company_name_taken');

      const bad = await spec.post('/companies', { name: 'Bad', domains: ['ok.com', 'not a domain', 'localhost', 'http://x.com'] });
      expect(bad.status).toBe(400);
      expect(issuePaths(bad.body)).toEqual(['domains.1', 'domains.2', 'domains.3']);
      expect(bad.body.error.message).toContain('domains.2: "localhost" is not a domain name');

      const missingName = await spec.post('/companies', { domains: [] });
      expect(missingName.status).toBe(400);
      expect(issuePaths(missingName.body)).toEqual(['name']);
    });

    it('replaces the domain set on PATCH, freeing removed domains', async () => {
      const res = await spec.patch(`/companies/${acme.id}`, { domains: ['acme.com', 'acme.io'] });
      expect(res.status).toBe(200);
      expect(res.body.domains).toEqual(['acme.com', 'acme.io']);
      const uk = await spec.post('/companies', { name: 'Acme UK', domains: ['acme.co.uk'] });
      expect(uk.status).toBe(201);

      const steal = await spec.patch(`/companies/${uk.body.id}`, { name: 'Acme United Kingdom', domains: ['acme.co.uk', 'acme.io'] });
      expect(steal.status).toBe(409);
      expect(steal.body.error).toMatchObject({ code: 'domain_taken', message: expect.stringContaining('"Acme Ltd"') });
      // Nothing of the refused change was applied.
      expect((await spec.get(`/companies/${uk.body.id}`)).body).toMatchObject({ name: 'Acme UK', domains: ['acme.co.uk'] });

      const renamed = await spec.patch(`/companies/${uk.body.id}`, { name: 'Acme United Kingdom' });
      expect(renamed.body).toMatchObject({ name: 'Acme United Kingdom', domains: ['acme.co.uk'] });
      const cleared = await spec.patch(`/companies/${uk.body.id}`, { domains: [] });
      expect(cleared.body.domains).toEqual([]);
      expect((await spec.patch(`/companies/${uk.body.id}`, { name: 'acme ltd' })).body.error.code).toBe('company_name_taken');
    });

    it('lists with q on name or domain, paged by name', async () => {
      await spec.post('/companies', { name: 'Globex', domains: ['globex.example'] });
      const all = await spec.get('/companies?pageSize=2');
      expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(all.body.items.map((c: { name: string }) => c.name)).toEqual(['Acme Ltd', 'Acme United Kingdom']);
      expect((await spec.get('/companies?page=2&pageSize=2')).body.items.map((c: { name: string }) => c.name)).toEqual(['Globex']);
      const byDomain = await spec.get('/companies?q=acme.io');
      expect(byDomain.body.items).toEqual([expect.objectContaining({ name: 'Acme Ltd', domains: ['acme.com', 'acme.io'] })]);
      expect((await spec.get('/companies?q=GLOB')).body.items.map((c: { name: string }) => c.name)).toEqual(['Globex']);
    });

    it('answers 404 and 400 for ids', async () => {
      expect((await spec.get(`/companies/${MISSING}`)).body.error).toMatchObject({ code: 'not_found', message: `company ${MISSING} does not exist` });
      expect((await spec.patch(`/companies/${MISSING}`, { name: 'x' })).status).toBe(404);
      expect((await spec.get('/companies/1')).status).toBe(400);
    });
  });

  describe('contacts', () => {
    let acmeId: string;
    let jane: { id: string; identities: { id: string; kind: string; value: string }[] };

    beforeAll(async () => {
      acmeId = (await spec.get('/companies?q=Acme Ltd')).body.items[0].id;
    });

    it('creates a contact with normalised identities', async () => {
      const res = await spec.post('/contacts', {
        name: 'Jane Doe',
        companyId: null,
        managerId: adminId,
        identities: [
          { kind: 'telegram', value: ' 0012345678 ' },
          { kind: 'phone', value: '+44 20 7183 8750' },
          { kind: 'email', value: 'Jane.Doe@Example.ORG' },
          { kind: 'email', value: 'jane.doe@example.org' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Jane Doe',
        companyId: null,
        company: null,
        managerId: adminId,
        manager: { id: adminId, name: 'Administrator', email: ADMIN.email },
        identities: [
          { id: expect.any(String), kind: 'email', value: 'jane.doe@example.org', optedOutAt: null, createdAt: expect.any(String) },
          { id: expect.any(String), kind: 'phone', value: '+442071838750', optedOutAt: null, createdAt: expect.any(String) },
          // The Telegram name and @username come with the account's first message.
          { id: expect.any(String), kind: 'telegram', value: '12345678', displayName: null, username: null, optedOutAt: null, createdAt: expect.any(String) },
        ],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      jane = res.body;
      expect((await spec.get(`/contacts/${jane.id}`)).body).toEqual(res.body);
    });

    it('binds a new contact to the company owning its e-mail domain', async () => {
      const res = await spec.post('/contacts', { identities: [{ kind: 'email', value: 'Wile.E@ACME.com' }] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: null, companyId: acmeId, company: { id: acmeId, name: 'Acme Ltd' } });
      expect(res.body.identities).toEqual([expect.objectContaining({ kind: 'email', value: 'wile.e@acme.com' })]);

      const explicitNone = await spec.post('/contacts', { companyId: null, identities: [{ kind: 'email', value: 'road.runner@acme.com' }] });
      expect(explicitNone.body).toMatchObject({ companyId: null, company: null });

      const globexId = (await spec.get('/companies?q=globex')).body.items[0].id;
      const explicit = await spec.post('/contacts', { companyId: globexId, identities: [{ kind: 'email', value: 'coyote@acme.com' }] });
      expect(explicit.body).toMatchObject({ companyId: globexId, company: { name: 'Globex' } });
    });

    it('rejects invalid identities with 400 naming the field and the reason', async () => {
      const res = await spec.post('/contacts', {
        identities: [
          { kind: 'phone', value: '020 7183 8750' },
          { kind: 'phone', value: '+44 20 7183 875' },
          { kind: 'email', value: 'jane@@example' },
          { kind: 'telegram', value: '@jane' },
          { kind: 'fax', value: '1' },
        ],
      });
      expect(res.status).toBe(400);
      expect(issuePaths(res.body)).toEqual(['identities.0.value', 'identities.1.value', 'identities.2.value', 'identities.3.value', 'identities.4.kind']);
      const message: string = res.body.error.message;
      expect(message).toContain('identities.0.value: "020 7183 8750" is not a valid phone number: write it in international format');
      expect(message).toContain('identities.1.value: "+44 20 7183 875" is not a valid phone number: no such number for country code +44');
      expect(message).toContain('identities.3.value: "@jane" is not a valid Telegram user id');
      expect(message).toContain('identities.4.kind: must be email, phone or telegram');
    });

    it('refuses a contact with neither name nor identity, and unknown fields', async () => {
      const empty = await spec.post('/contacts', { name: '  ' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain('a contact needs a name or at least one identity');
      const unknown = await spec.post('/contacts', { name: 'X', identities: [{ kind: 'email', value: 'x@x.com', primary: true }] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain('primary');
    });

    it('refuses an identity another contact owns, however it is written, naming that contact', async () => {
      const res = await spec.post('/contacts', { name: 'Jane again', identities: [{ kind: 'phone', value: '0044 (20) 7183-8750' }] });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'identity_taken',
        message: `the phone +442071838750 already belongs to contact ${jane.id}`,
        details: { kind: 'phone', value: '+442071838750', contactId: jane.id },
      });
      expect((await spec.get('/contacts?q=Jane again')).body.total).toBe(0);
    });

    it('refuses unknown companies and managers with 422', async () => {
      const company = await spec.post('/contacts', { name: 'X', companyId: MISSING });
      expect(company.status).toBe(422);
      expect(company.body.error.code).toBe('company_not_found');
      const manager = await spec.post('/contacts', { name: 'X', managerId: MISSING });
      expect(manager.status).toBe(422);
      expect(manager.body.error.code).toBe('manager_not_found');
    });

    it('finds contacts by name, e-mail or a phone typed with spaces, newest first', async () => {
      const names = (res: { body: { items: { name: string | null; identities: { value: string }[] }[] } }) =>
        res.body.items.map((c) => c.name ?? c.identities[0].value);
      expect(names(await spec.get('/contacts?q=doe'))).toEqual(['Jane Doe']);
      expect(names(await spec.get('/contacts?q=JANE.DOE@example'))).toEqual(['Jane Doe']);
      expect(names(await spec.get(`/contacts?q=${encodeURIComponent('20 7183 8750')}`))).toEqual(['Jane Doe']);
      expect(names(await spec.get(`/contacts?q=${encodeURIComponent('+44 (20) 7183')}`))).toEqual(['Jane Doe']);
      expect(names(await spec.get('/contacts?q=12345678'))).toEqual(['Jane Doe']);
      expect(names(await spec.get('/contacts?q=acme.com'))).toEqual(['coyote@acme.com', 'road.runner@acme.com', 'wile.e@acme.com']);
      expect(names(await spec.get(`/contacts?companyId=${acmeId}`))).toEqual(['wile.e@acme.com']);
      expect(names(await spec.get(`/contacts?managerId=${adminId}`))).toEqual(['Jane Doe']);
    });

    it('pages with the total', async () => {
      const first = await spec.get('/contacts?pageSize=3');
      expect(first.body).toMatchObject({ total: 4, page: 1, pageSize: 3 });
      expect(first.body.items).toHaveLength(3);
      const second = await spec.get('/contacts?pageSize=3&page=2');
      expect(second.body).toMatchObject({ total: 4, page: 2, pageSize: 3 });
      expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([jane.id]);
      expect((await spec.get('/contacts?pageSize=0')).status).toBe(400);
      expect((await spec.get('/contacts?companyId=acme')).body.error.message).toContain('companyId');
    });

    it('replaces the identity set on PATCH, keeping the ids of identities that stay', async () => {
      const email = jane.identities.find((i) => i.kind === 'email')!;
      const res = await spec.patch(`/contacts/${jane.id}`, {
        name: 'Jane Roe',
        identities: [
          { kind: 'email', value: 'JANE.DOE@example.org' },
          { kind: 'phone', value: '+1 (202) 456-1111' },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('Jane Roe');
      expect(res.body.identities).toEqual([
        { id: email.id, kind: 'email', value: 'jane.doe@example.org', optedOutAt: null, createdAt: expect.any(String) },
        { id: expect.any(String), kind: 'phone', value: '+12024561111', optedOutAt: null, createdAt: expect.any(String) },
      ]);
      // The removed phone and Telegram id are free for another contact now.
      const other = await spec.post('/contacts', { identities: [{ kind: 'phone', value: '+442071838750' }, { kind: 'telegram', value: '12345678' }] });
      expect(other.status).toBe(201);

      const taken = await spec.patch(`/contacts/${jane.id}`, { identities: [{ kind: 'telegram', value: '12345678' }] });
      expect(taken.status).toBe(409);
      expect(taken.body.error).toMatchObject({ code: 'identity_taken', details: { contactId: other.body.id } });
      expect((await spec.get(`/contacts/${jane.id}`)).body.identities).toHaveLength(2);
    });

    it('binds by e-mail domain on PATCH when identities change and the contact has no company', async () => {
      const res = await spec.patch(`/contacts/${jane.id}`, { identities: [{ kind: 'email', value: 'jane@acme.io' }] });
      expect(res.body).toMatchObject({ companyId: acmeId, company: { name: 'Acme Ltd' } });
      const cleared = await spec.patch(`/contacts/${jane.id}`, { companyId: null, managerId: null });
      expect(cleared.body).toMatchObject({ companyId: null, company: null, managerId: null, manager: null });
      // A rename alone does not re-bind.
      expect((await spec.patch(`/contacts/${jane.id}`, { name: 'Jane R.' })).body.companyId).toBeNull();
    });

    it('refuses to leave a contact with neither name nor identity', async () => {
      const res = await spec.patch(`/contacts/${jane.id}`, { name: null, identities: [] });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('contact_empty');
      expect((await spec.patch(`/contacts/${jane.id}`, { identities: [] })).body.identities).toEqual([]);
    });

    it('answers 404 and 400 for ids', async () => {
      expect((await spec.get(`/contacts/${MISSING}`)).body.error).toMatchObject({ code: 'not_found', message: `contact ${MISSING} does not exist` });
      expect((await spec.patch(`/contacts/${MISSING}`, { name: 'x' })).status).toBe(404);
      expect((await spec.get('/contacts/not-a-uuid')).status).toBe(400);
    });
  });

  describe('statuses', () => {
    const keys = (res: { body: { items: { key: string }[] } }) => res.body.items.map((s) => s.key);

    it('lists the system statuses by position for any agent', async () => {
      const res = await spec.get('/statuses');
      expect(res.status).toBe(200);
      expect(keys(res)).toEqual(['open', 'pending', 'on_hold', 'resolved', 'closed']);
      expect(res.body.items[0]).toEqual({ key: 'open', name: 'Open', kind: 'open', isSystem: true, position: 10 });
      expect(res.body).toMatchObject({ total: 5, page: 1, pageSize: 25 });
    });

    it('lets an admin add a custom status, placed last by default and seen by the cache at once', async () => {
      const cache = core.app.get(StatusesService);
      expect(await cache.get('waiting_vendor')).toBeUndefined();
      const res = await admin.post('/statuses', { key: 'waiting_vendor', name: 'Waiting for vendor', kind: 'pending' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ key: 'waiting_vendor', name: 'Waiting for vendor', kind: 'pending', isSystem: false, position: 60 });
      expect(await cache.get('waiting_vendor')).toMatchObject({ kind: 'pending' });

      const placed = await admin.post('/statuses', { key: 'escalated', name: 'Escalated', kind: 'open', position: 15 });
      expect(placed.body.position).toBe(15);
      expect(keys(await spec.get('/statuses'))).toEqual(['open', 'escalated', 'pending', 'on_hold', 'resolved', 'closed', 'waiting_vendor']);
      expect(keys(await spec.get('/statuses?kind=open'))).toEqual(['open', 'escalated']);
      const paged = await spec.get('/statuses?pageSize=2&page=4');
      expect(paged.body).toMatchObject({ total: 7, page: 4, pageSize: 2 });
      expect(keys(paged)).toEqual(['waiting_vendor']);
    });

    it('validates keys and kinds, and refuses a taken key', async () => {
      const bad = await admin.post('/statuses', { key: 'Waiting-Vendor', name: 'x', kind: 'paused', isSystem: true });
      expect(bad.status).toBe(400);
      expect(issuePaths(bad.body)).toEqual(['', 'key', 'kind']);
      expect(bad.body.error.message).toContain('kind: must be one of open, pending, on_hold, resolved, closed');
      const taken = await admin.post('/statuses', { key: 'open', name: 'Another open', kind: 'open' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('status_key_taken');
      expect((await admin.post('/statuses', { key: 'waiting_vendor', name: 'x', kind: 'open' })).body.error.code).toBe('status_key_taken');
    });

    it('renames and reorders statuses; system statuses keep their kind', async () => {
      const renamed = await admin.patch('/statuses/on_hold', { name: 'Snoozed', position: 5 });
      expect(renamed.body).toEqual({ key: 'on_hold', name: 'Snoozed', kind: 'on_hold', isSystem: true, position: 5 });
      expect(keys(await spec.get('/statuses?pageSize=2'))).toEqual(['on_hold', 'open']);

      const rekind = await admin.patch('/statuses/on_hold', { kind: 'pending' });
      expect(rekind.status).toBe(409);
      expect(rekind.body.error.code).toBe('system_status_kind_fixed');
      expect((await admin.patch('/statuses/on_hold', { kind: 'on_hold' })).status).toBe(200);
      expect((await spec.get('/statuses/on_hold')).body.kind).toBe('on_hold');
    });

    it('changes the kind of a custom status only while no ticket has it', async () => {
      const cache = core.app.get(StatusesService);
      const changed = await admin.patch('/statuses/escalated', { kind: 'pending' });
      expect(changed.status).toBe(200);
      expect(changed.body.kind).toBe('pending');
      expect(await cache.get('escalated')).toMatchObject({ kind: 'pending' });

      await core.ds.query(`INSERT INTO tickets (subject, status_key, status_kind, registration_channel) VALUES ('stuck', 'escalated', 'pending', 'api')`);
      const inUse = await admin.patch('/statuses/escalated', { kind: 'open' });
      expect(inUse.status).toBe(409);
      expect(inUse.body.error).toMatchObject({ code: 'status_in_use', message: expect.stringContaining('1 ticket(s)') });
      // Renaming is still fine.
      expect((await admin.patch('/statuses/escalated', { name: 'Escalated!' })).body.name).toBe('Escalated!');
    });

    it('answers 404 for an unknown key, 400 for a malformed one, and 403 to a specialist who writes', async () => {
      expect((await spec.get('/statuses/nope')).body.error).toMatchObject({ code: 'not_found', message: 'status nope does not exist' });
      expect((await admin.patch('/statuses/nope', { name: 'x' })).status).toBe(404);
      expect((await spec.get('/statuses/Bad-Key')).status).toBe(400);
      expect((await admin.patch('/statuses/open', {})).status).toBe(400);
      const post = await spec.post('/statuses', { key: 'rogue', name: 'Rogue', kind: 'open' });
      expect(post.status).toBe(403);
      expect(post.body.error.message).toBe('this needs the role admin; you are specialist');
      expect((await spec.patch('/statuses/open', { name: 'Rogue' })).status).toBe(403);
      expect((await spec.get('/statuses/open')).body.name).toBe('Open');
    });
  });
});
