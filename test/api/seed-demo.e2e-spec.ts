import { createLogger } from '@switchboard/common';
import { prepareDatabase } from '../../apps/core/src/database/prepare-database.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { resetState, startCore, type RunningCore } from '../support/core.js';

/** Runs the start-up path with SEED_DEMO=true against the run's database, as `npm start` does. */
describe('demo seed (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  const seed = () => prepareDatabase({ ...core.config, SEED_DEMO: true }, createLogger('core-test', 'silent'));
  const ticketCount = async () => (await core.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM tickets`))[0].n;
  const demoForms = async () => (await admin.get('/webforms?q=demo')).body.items.filter((f: { key: string }) => f.key === 'demo');

  beforeAll(async () => {
    core = await startCore();
    await resetState(core);
    await core.ds.query(`DELETE FROM webforms WHERE key = 'demo'`);
    await core.ds.query(`DELETE FROM canned_response_groups`);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await resetState(core);
    await core.ds.query(`DELETE FROM webforms WHERE key = 'demo'`);
    await core.ds.query(`DELETE FROM canned_response_groups`);
    await core.close();
  });

  it('seeds tickets on every channel and the demo web form', async () => {
    await seed();
    expect(await ticketCount()).toBe(5);
    const canned = (await admin.get('/canned-responses')).body.groups;
    expect(canned.map((g: { name: string; responses: { title: string }[] }) => [g.name, g.responses.map((r) => r.title)])).toEqual([
      ['Greetings', ['Hello', 'Sign-off']],
      ['Troubleshooting', ['Need more details', 'Restart first']],
    ]);
    const [form] = await demoForms();
    expect(form).toMatchObject({
      key: 'demo',
      title: 'Contact support',
      introText: expect.any(String),
      filesAllowed: true,
      enabled: true,
      allowedOrigins: [new URL(core.config.WEBFORM_PUBLIC_URL).origin],
    });
    expect(form.fields).toEqual([
      { name: 'name', label: 'Name', type: 'text', role: 'name', required: true, order: 0 },
      { name: 'email', label: 'E-mail', type: 'email', role: 'email', required: true, order: 1 },
      { name: 'phone', label: 'Phone', type: 'phone', role: 'phone', required: false, order: 2 },
      { name: 'topic', label: 'Topic', type: 'select', options: ['Billing', 'Technical problem', 'Other'], required: false, order: 3 },
      { name: 'message', label: 'Message', type: 'textarea', role: 'message', required: true, order: 4 },
      { name: 'consent', label: 'I agree to be contacted', type: 'checkbox', required: true, order: 5 },
    ]);
    expect((await admin.get(`/webforms/${form.id}/embed`)).body.warnings).toEqual([]);
  });

  it('seeds nothing into a database that has tickets, and leaves an existing demo form alone', async () => {
    await seed();
    expect(await ticketCount()).toBe(5);

    const [form] = await demoForms();
    expect((await admin.patch(`/webforms/${form.id}`, { title: 'Our own title' })).status).toBe(200);
    await resetState(core);
    await seed();
    expect(await ticketCount()).toBe(5);
    const after = await demoForms();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: form.id, title: 'Our own title' });
  });

  it('adds the demo form to a database seeded before forms existed, without touching its tickets', async () => {
    await seed();
    await core.ds.query(`DELETE FROM webforms WHERE key = 'demo'`);
    const before = await ticketCount();
    expect(before).toBeGreaterThan(0);
    await seed();
    expect(await ticketCount()).toBe(before);
    expect(await demoForms()).toHaveLength(1);
  });
});
