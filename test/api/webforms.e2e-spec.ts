import { ADMIN, ApiClient } from '../support/http.js';
import { startCore, type RunningCore } from '../support/core.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const SPEC = { email: 'webform-spec@example.com', password: 'specialist-password' };

interface Issue {
  path: string;
  message: string;
}
const issues = (body: { error: { details?: Issue[] } }) => Object.fromEntries((body.error.details ?? []).map((d) => [d.path, d.message]));

const EMAIL = { name: 'email', label: 'E-mail', type: 'email', role: 'email', required: true };
const MESSAGE = { name: 'message', label: 'Message', type: 'textarea', role: 'message', required: true };

describe('web forms API (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let spec: ApiClient;
  /** Forms a test created; afterEach deletes them, so each test leaves the table as it found it. */
  let created: string[] = [];

  const create = async (body: Record<string, unknown>) => {
    const res = await admin.post('/webforms', body);
    if (res.status === 201) created.push(res.body.id);
    return res;
  };
  const form = (key: string, extra: Record<string, unknown> = {}) => ({ key, title: `Form ${key}`, fields: [EMAIL, MESSAGE], ...extra });

  beforeAll(async () => {
    core = await startCore({ WEBFORM_PUBLIC_URL: 'https://forms.example.test/' });
    const anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    const agent = await admin.post('/agents', { email: SPEC.email, name: 'Web Form Specialist', role: 'specialist', password: SPEC.password });
    expect(agent.status).toBe(201);
    spec = await anon.login(SPEC.email, SPEC.password);
  });
  afterEach(async () => {
    if (created.length) await core.ds.query(`DELETE FROM webforms WHERE id = ANY($1::uuid[])`, [created]);
    created = [];
  });
  afterAll(async () => {
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    await core.close();
  });

  it('creates a form with the defaults, a lower-cased key, normalised origins and fields in display order', async () => {
    const res = await create({
      key: 'E2E-Support',
      title: 'Contact support',
      fields: [
        MESSAGE,
        { name: 'topic', label: 'Topic', type: 'select', options: ['Billing', 'Other'], order: 1 },
        { ...EMAIL, order: 0 },
      ],
      allowedOrigins: ['HTTPS://Shop.Example.com:443/', 'https://shop.example.com', 'http://localhost:8080'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      key: 'e2e-support',
      title: 'Contact support',
      introText: '',
      buttonLabel: 'Send',
      launcherLabel: 'Contact us',
      successMessage: 'Thank you! Your request number is {{ticket.number}}.',
      colors: { primary: '#2563eb', text: '#111827', background: '#ffffff' },
      position: 'bottom-right',
      fields: [
        { name: 'email', label: 'E-mail', type: 'email', role: 'email', required: true, order: 0 },
        { name: 'message', label: 'Message', type: 'textarea', role: 'message', required: true, order: 0 },
        { name: 'topic', label: 'Topic', type: 'select', options: ['Billing', 'Other'], required: false, order: 1 },
      ],
      allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
      filesAllowed: false,
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // Any agent may read it.
    const got = await spec.get(`/webforms/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('lists forms by key, paged, filtered by q and enabled', async () => {
    for (const key of ['e2e-list-c', 'e2e-list-a', 'e2e-list-b']) expect((await create(form(key, { enabled: key !== 'e2e-list-b' }))).status).toBe(201);
    const keys = (res: { body: { items: { key: string }[] } }) => res.body.items.map((f) => f.key);

    const all = await spec.get('/webforms?q=e2e-list');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 25 });
    expect(keys(all)).toEqual(['e2e-list-a', 'e2e-list-b', 'e2e-list-c']);
    expect(all.body.items[0].fields.map((f: { name: string }) => f.name)).toEqual(['email', 'message']);

    const second = await spec.get('/webforms?q=e2e-list&pageSize=2&page=2');
    expect(second.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(keys(second)).toEqual(['e2e-list-c']);
    expect(keys(await spec.get('/webforms?q=E2E-LIST&enabled=false'))).toEqual(['e2e-list-b']);
    expect(keys(await spec.get('/webforms?q=Form e2e-list-c'))).toEqual(['e2e-list-c']);
    expect((await spec.get('/webforms?enabled=maybe')).status).toBe(400);
    expect((await spec.get('/webforms?sort=key')).status).toBe(400);
  });

  it('changes only what PATCH sends: fields replace the list, colours merge', async () => {
    const { body: before } = await create(form('e2e-patch', { colors: { primary: '#000000' }, allowedOrigins: ['*'] }));
    const res = await admin.patch(`/webforms/${before.id}`, {
      title: 'New title',
      colors: { background: '#FAFAFA' },
      fields: [{ name: 'phone', label: 'Phone', type: 'phone', role: 'phone', required: true }],
      enabled: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...before,
      title: 'New title',
      colors: { primary: '#000000', text: '#111827', background: '#fafafa' },
      fields: [{ name: 'phone', label: 'Phone', type: 'phone', role: 'phone', required: true, order: 0 }],
      enabled: false,
      updatedAt: expect.any(String),
    });
    expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(before.updatedAt).getTime());
    expect((await spec.get(`/webforms/${before.id}`)).body).toEqual(res.body);

    const rekeyed = await admin.patch(`/webforms/${before.id}`, { key: 'E2E-Renamed', allowedOrigins: [] });
    expect(rekeyed.body).toMatchObject({ key: 'e2e-renamed', allowedOrigins: [], title: 'New title' });

    const empty = await admin.patch(`/webforms/${before.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('nothing to change');
  });

  it('deletes a form: 204, then 404', async () => {
    const { body } = await create(form('e2e-delete'));
    const res = await admin.delete(`/webforms/${body.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await admin.get(`/webforms/${body.id}`)).body.error).toMatchObject({ code: 'not_found', message: `web form ${body.id} does not exist` });
    expect((await admin.delete(`/webforms/${body.id}`)).status).toBe(404);
  });

  it('refuses a key another form has with 409 webform_key_taken, on create and on rename', async () => {
    const first = await create(form('e2e-taken'));
    const dup = await create(form(' E2E-TAKEN '));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'webform_key_taken', message: `a web form with the key "e2e-taken" already exists (${first.body.id})` });

    const other = await create(form('e2e-other'));
    const rename = await admin.patch(`/webforms/${other.body.id}`, { key: 'e2e-taken' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('webform_key_taken');
    // Sending its own key is no clash.
    expect((await admin.patch(`/webforms/${first.body.id}`, { key: 'e2e-taken', title: 'Same key' })).status).toBe(200);
  });

  it('rejects invalid forms with 400, each problem at its path', async () => {
    const res = await create({
      key: 'e2e-invalid',
      title: 'Invalid',
      fields: [
        EMAIL,
        { name: 'message', label: 'Message', type: 'textarea', role: 'message' },
        { name: 'details', label: 'Details', type: 'textarea', role: 'message' },
        { name: 'who', label: 'Who', type: 'textarea', role: 'name' },
        { name: 'topic', label: 'Topic', type: 'select' },
        { name: 'website', label: 'Website', type: 'text' },
      ],
      allowedOrigins: ['https://shop.example.com', 'https://shop.example.com/contact', 'shop.example.com'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(issues(res.body)).toEqual({
      'fields.2.role': 'role "message" is already on fields.1; a role goes on one field only',
      'fields.3.role': 'role "name" needs a field of type text (this one is textarea)',
      'fields.4.options': 'a select needs options: 1 to 50 choices',
      'fields.5.name': '"website" is reserved for the spam trap; choose another name',
      'allowedOrigins.1': '"https://shop.example.com/contact" is not an origin: remove the path, query or fragment (https://shop.example.com)',
      'allowedOrigins.2': expect.stringContaining('"shop.example.com" is not an origin: write scheme://host[:port]'),
    });
    expect(res.body.error.message).toMatch(/^invalid web form: /);
    expect(res.body.error.message).toContain('fields.4.options: a select needs options');

    const noContact = await create(form('e2e-invalid', { fields: [MESSAGE, { name: 'name', label: 'Name', type: 'text', role: 'name' }] }));
    expect(noContact.status).toBe(400);
    expect(issues(noContact.body)).toEqual({
      fields: 'a form needs an e-mail or phone field (role "email" or "phone") so replies can reach the visitor',
    });

    const { body } = await create(form('e2e-valid'));
    const patch = await admin.patch(`/webforms/${body.id}`, { fields: [MESSAGE], colors: { primary: 'blue' }, theme: 'dark' });
    expect(patch.status).toBe(400);
    expect(issues(patch.body)).toEqual({
      '': 'Unrecognized key: "theme"',
      fields: 'a form needs an e-mail or phone field (role "email" or "phone") so replies can reach the visitor',
      'colors.primary': 'must be a colour like #2563eb (#rrggbb)',
    });
    expect((await admin.get('/webforms?q=e2e-invalid')).body.total).toBe(0);
  });

  it('lets a non-admin read and get the snippet, but not write (403)', async () => {
    const { body } = await create(form('e2e-roles'));
    const post = await spec.post('/webforms', form('e2e-rogue'));
    expect(post.status).toBe(403);
    expect(post.body.error.message).toBe('this needs the role admin; you are specialist');
    expect((await spec.patch(`/webforms/${body.id}`, { title: 'Rogue' })).status).toBe(403);
    expect((await spec.delete(`/webforms/${body.id}`)).status).toBe(403);
    expect((await spec.get(`/webforms/${body.id}`)).body.title).toBe('Form e2e-roles');
    expect((await spec.get(`/webforms/${body.id}/embed`)).status).toBe(200);
    expect((await admin.get('/webforms?q=e2e-rogue')).body.total).toBe(0);
    expect((await new ApiClient(core.api).get('/webforms')).status).toBe(401);
  });

  it('gives the embed snippet, warning while the form is disabled or has no allowed origin', async () => {
    const { body } = await create(form('e2e-embed', { enabled: false }));
    const res = await spec.get(`/webforms/${body.id}/embed`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      formKey: 'e2e-embed',
      widgetUrl: 'https://forms.example.test/widget.js',
      snippet: '<script src="https://forms.example.test/widget.js" data-form="e2e-embed" async></script>',
      warnings: ['the form is disabled: visitors get 404 until it is enabled', 'no origin is allowed: add the origins of the pages that embed the form'],
    });

    await admin.patch(`/webforms/${body.id}`, { enabled: true, allowedOrigins: ['https://shop.example.com'] });
    expect((await spec.get(`/webforms/${body.id}/embed`)).body.warnings).toEqual([]);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await spec.get(`/webforms/${MISSING}`)).status).toBe(404);
    expect((await spec.get(`/webforms/${MISSING}/embed`)).status).toBe(404);
    expect((await admin.patch(`/webforms/${MISSING}`, { title: 'x' })).status).toBe(404);
    expect((await spec.get('/webforms/not-a-uuid')).status).toBe(400);
  });
});
