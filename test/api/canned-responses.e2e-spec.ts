import { ADMIN, ApiClient } from '../support/http.js';
import { resetState, startCore, type RunningCore } from '../support/core.js';

const SPEC = { email: 'canned-spec@example.com', password: 'specialist-password' };

interface Issue {
  path: string;
  message: string;
}
const issues = (body: { error: { details?: Issue[] } }) => Object.fromEntries((body.error.details ?? []).map((d) => [d.path, d.message]));

describe('canned responses API (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let spec: ApiClient;

  beforeAll(async () => {
    core = await startCore();
    await resetState(core);
    await core.ds.query(`DELETE FROM canned_response_groups`);
    const anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    expect((await admin.post('/agents', { email: SPEC.email, name: 'Sam Specialist', role: 'specialist', password: SPEC.password })).status).toBe(201);
    spec = await anon.login(SPEC.email, SPEC.password);
  });
  afterEach(async () => {
    await core.ds.query(`DELETE FROM canned_response_groups`);
  });
  afterAll(async () => {
    await resetState(core);
    await core.close();
  });

  it('creates groups and responses (admin) and lists them grouped and ordered for every agent', async () => {
    const billing = await admin.post('/canned-responses/groups', { name: 'Billing' });
    expect(billing.status).toBe(201);
    expect(billing.body).toMatchObject({ name: 'Billing', position: 0 });
    const greetings = (await admin.post('/canned-responses/groups', { name: 'Greetings', position: 0 })).body;
    const empty = (await admin.post('/canned-responses/groups', { name: 'Empty', position: 5 })).body;
    // Billing was first at 0; Greetings also 0 sorts by name: Billing, Greetings; then Empty at 5.
    const r1 = await admin.post('/canned-responses', { groupId: greetings.id, title: 'Hello', body: 'Hello {{contact.name}}' });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ groupId: greetings.id, title: 'Hello', position: 0, createdAt: expect.any(String) });
    const r2 = (await admin.post('/canned-responses', { groupId: greetings.id, title: 'Bye', body: 'Bye, {{agent.name}}' })).body;
    expect(r2.position).toBe(1);
    await admin.post('/canned-responses', { groupId: billing.body.id, title: 'Invoice', body: 'Your invoice for #{{ticket.number}} is attached.' });

    const list = await spec.get('/canned-responses');
    expect(list.status).toBe(200);
    expect(list.body.groups.map((g: { name: string; responses: { title: string }[] }) => [g.name, g.responses.map((r) => r.title)])).toEqual([
      ['Billing', ['Invoice']],
      ['Greetings', ['Hello', 'Bye']],
      ['Empty', []],
    ]);
    expect(list.body.groups[1].responses[0]).toEqual({
      id: r1.body.id,
      groupId: greetings.id,
      title: 'Hello',
      body: 'Hello {{contact.name}}',
      position: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // A search keeps the matching responses and their groups.
    const found = await spec.get('/canned-responses?q=invoice');
    expect(found.body.groups.map((g: { name: string }) => g.name)).toEqual(['Billing']);
    expect((await spec.get('/canned-responses/groups')).body.items.map((g: { name: string }) => g.name)).toEqual(['Billing', 'Greetings', 'Empty']);

    // Moving and renaming.
    const moved = await admin.patch(`/canned-responses/${r2.id}`, { groupId: billing.body.id, position: 0, title: 'Goodbye' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ groupId: billing.body.id, title: 'Goodbye', body: 'Bye, {{agent.name}}', position: 0 });
    expect((await admin.patch(`/canned-responses/groups/${empty.id}`, { name: 'Misc', position: 0 })).body).toMatchObject({ name: 'Misc', position: 0 });
    expect((await spec.get(`/canned-responses/${r2.id}`)).body.title).toBe('Goodbye');

    // Deleting a group takes its responses with it.
    expect((await admin.delete(`/canned-responses/groups/${billing.body.id}`)).status).toBe(204);
    expect((await spec.get(`/canned-responses/${r2.id}`)).status).toBe(404);
    expect((await admin.delete(`/canned-responses/${r1.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/canned-responses/${r1.body.id}`)).status).toBe(404);
    expect((await spec.get('/canned-responses')).body.groups.map((g: { name: string; responses: unknown[] }) => [g.name, g.responses.length])).toEqual([
      ['Greetings', 0],
      ['Misc', 0],
    ]);
  });

  it('renders the placeholders from the ticket and the calling agent', async () => {
    const group = (await admin.post('/canned-responses/groups', { name: 'Greetings' })).body;
    const response = (
      await admin.post('/canned-responses', {
        groupId: group.id,
        title: 'Hello',
        body: 'Hello{{#if contact.name}} {{contact.name}}{{/if}}, about #{{ticket.number}} "{{ticket.subject}}" <{{contact.email}}>.\n{{agent.name}}',
      })
    ).body;
    const ticket = await spec.post('/tickets', { subject: 'Printer & <fire>', contact: { email: 'ann@example.org', name: 'Ann Customer' } });
    expect(ticket.status).toBe(201);
    const rendered = await spec.post(`/canned-responses/${response.id}/render`, { ticketId: ticket.body.id });
    expect(rendered.status).toBe(200);
    expect(rendered.body).toEqual({ body: `Hello Ann Customer, about #${ticket.body.number} "Printer & <fire>" <ann@example.org>.\nSam Specialist` });

    const anonymous = await spec.post('/tickets', { subject: 'No contact', type: 'internal' });
    expect((await admin.post(`/canned-responses/${response.id}/render`, { ticketId: anonymous.body.id })).body.body).toBe(
      `Hello, about #${anonymous.body.number} "No contact" <>.\n${(await admin.get('/me')).body.name}`,
    );
    const missing = await spec.post(`/canned-responses/${response.id}/render`, { ticketId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/ticket .* does not exist/);
    expect((await spec.post(`/canned-responses/00000000-0000-4000-8000-000000000000/render`, { ticketId: ticket.body.id })).status).toBe(404);
    expect((await spec.post(`/canned-responses/${response.id}/render`, {})).status).toBe(400);
  });

  it('refuses unknown placeholders, broken templates and bad fields with clear messages', async () => {
    const group = (await admin.post('/canned-responses/groups', { name: 'Checks' })).body;
    const unknown = await admin.post('/canned-responses', { groupId: group.id, title: 'X', body: 'Hi {{customer.name}}' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');
    expect(issues(unknown.body).body).toMatch(/^unknown placeholder \{\{customer\.name\}\} \(line 1, column 6\); available: contact\.name, .*agent\.name/);
    const object = await admin.post('/canned-responses', { groupId: group.id, title: 'X', body: 'Hi {{contact}}' });
    expect(issues(object.body).body).toMatch(/use one of its fields, e\.g\. \{\{contact\.name\}\}/);
    // A placeholder only notification templates know is not one here.
    expect(issues((await admin.post('/canned-responses', { groupId: group.id, title: 'X', body: '{{ticket.status}}' })).body).body).toMatch(/unknown placeholder \{\{ticket\.status\}\}/);
    expect(issues((await admin.post('/canned-responses', { groupId: group.id, title: 'X', body: '{{#if contact.name}}open' })).body).body).toMatch(/Parse error/);
    const bad = await admin.post('/canned-responses', { groupId: 'nope', title: '  ', body: '', position: -1, extra: 1 });
    expect(bad.status).toBe(400);
    expect(issues(bad.body)).toMatchObject({ groupId: 'must be a UUID', title: 'must not be empty', body: 'must not be empty', position: 'must be 0 or more' });
    const noGroup = await admin.post('/canned-responses', { groupId: '00000000-0000-4000-8000-000000000000', title: 'X', body: 'Y' });
    expect(noGroup.status).toBe(422);
    expect(noGroup.body.error.message).toMatch(/canned response group .* does not exist/);
    const r = (await admin.post('/canned-responses', { groupId: group.id, title: 'X', body: 'Y' })).body;
    expect(issues((await admin.patch(`/canned-responses/${r.id}`, { body: '{{nope}}' })).body).body).toMatch(/unknown placeholder \{\{nope\}\}/);
    expect((await admin.patch(`/canned-responses/${r.id}`, {})).status).toBe(400);

    const dup = await admin.post('/canned-responses/groups', { name: 'Checks' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('canned_group_name_taken');
    const other = (await admin.post('/canned-responses/groups', { name: 'Other' })).body;
    expect((await admin.patch(`/canned-responses/groups/${other.id}`, { name: 'Checks' })).status).toBe(409);
    expect((await admin.patch('/canned-responses/groups/00000000-0000-4000-8000-000000000000', { name: 'Z' })).status).toBe(404);
  });

  it('lets only admins write', async () => {
    const group = (await admin.post('/canned-responses/groups', { name: 'Admins only' })).body;
    const r = (await admin.post('/canned-responses', { groupId: group.id, title: 'X', body: 'Y' })).body;
    expect((await spec.post('/canned-responses/groups', { name: 'Mine' })).status).toBe(403);
    expect((await spec.patch(`/canned-responses/groups/${group.id}`, { name: 'Mine' })).status).toBe(403);
    expect((await spec.delete(`/canned-responses/groups/${group.id}`)).status).toBe(403);
    expect((await spec.post('/canned-responses', { groupId: group.id, title: 'X', body: 'Y' })).status).toBe(403);
    expect((await spec.patch(`/canned-responses/${r.id}`, { title: 'Z' })).status).toBe(403);
    expect((await spec.delete(`/canned-responses/${r.id}`)).status).toBe(403);
    expect((await new ApiClient(core.api).get('/canned-responses')).status).toBe(401);
    expect((await spec.get(`/canned-responses/${r.id}`)).status).toBe(200);
  });
});
