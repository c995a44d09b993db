import { NOTIFICATION_TEMPLATE_DEFAULTS } from '@switchboard/db';
import { ADMIN, ApiClient } from '../support/http.js';
import { resetNotificationTemplates, startCore, type RunningCore } from '../support/core.js';

const SPEC = { email: 'templates-spec@example.com', password: 'specialist-password' };

interface Issue {
  path: string;
  message: string;
}
const issues = (body: { error: { details?: Issue[] } }) => Object.fromEntries((body.error.details ?? []).map((d) => [d.path, d.message]));

describe('notification templates API (real Postgres)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let spec: ApiClient;

  beforeAll(async () => {
    core = await startCore();
    const anon = new ApiClient(core.api);
    admin = await anon.login(ADMIN.email, ADMIN.password);
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    const agent = await admin.post('/agents', { email: SPEC.email, name: 'Templates Specialist', role: 'specialist', password: SPEC.password });
    expect(agent.status).toBe(201);
    spec = await anon.login(SPEC.email, SPEC.password);
    await resetNotificationTemplates(core.ds);
  });
  afterEach(async () => {
    await resetNotificationTemplates(core.ds);
  });
  afterAll(async () => {
    await core.ds.query(`UPDATE notification_templates SET updated_by_agent_id = NULL`);
    await core.ds.query(`DELETE FROM agents WHERE email = $1`, [SPEC.email]);
    await core.close();
  });

  it('lists the seeded English defaults: the acknowledgement on, the status notice on for resolved only (by SMS for none), the Telegram resolution survey on', async () => {
    const res = await spec.get('/notification-templates');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(4);
    expect(res.body.items.map((t: { key: string; channel: string; enabled: boolean; statusKinds: string[] }) => [t.key, t.channel, t.enabled, t.statusKinds])).toEqual([
      ['ticket_created', 'email', true, []],
      ['status_changed', 'email', true, ['resolved']],
      ['status_changed', 'sms', true, []],
      ['resolution_survey', 'telegram', true, []],
    ]);
    const created = res.body.items[0];
    expect(created).toMatchObject({
      subject: NOTIFICATION_TEMPLATE_DEFAULTS[0].subject,
      bodyText: NOTIFICATION_TEMPLATE_DEFAULTS[0].bodyText,
      bodyHtml: null,
      updatedBy: null,
    });
    expect(created.subject).toContain('[#{{ticket.number}}]');
    expect((await spec.get('/notification-templates/status_changed')).body.bodyText).toContain('{{#if status.resolved}}');
    expect((await spec.get('/notification-templates/status_changed?channel=email')).status).toBe(200);
  });

  it('changes a template (admin) and records who did', async () => {
    const res = await admin.patch('/notification-templates/ticket_created', {
      subject: 'Got it: {{ticket.subject}}',
      bodyHtml: '<p>Number {{ticket.number}}</p>',
      enabled: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'ticket_created', subject: 'Got it: {{ticket.subject}}', bodyHtml: '<p>Number {{ticket.number}}</p>', enabled: false });
    expect(res.body.bodyText).toBe(NOTIFICATION_TEMPLATE_DEFAULTS[0].bodyText);
    expect(res.body.updatedBy).toMatchObject({ name: expect.any(String) });
    expect((await admin.patch('/notification-templates/ticket_created', { bodyHtml: null })).body.bodyHtml).toBeNull();
    const kinds = await admin.patch('/notification-templates/status_changed', { statusKinds: ['resolved', 'closed', 'pending'] });
    expect(kinds.body.statusKinds).toEqual(['resolved', 'closed', 'pending']);
  });

  it('refuses a broken template with the parser’s message, unknown placeholders and helpers, and bad fields', async () => {
    const broken = await admin.patch('/notification-templates/ticket_created', { bodyText: 'Hello {{#if contact.name}}{{contact.name}}' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('validation_failed');
    expect(broken.body.error.message).toMatch(/^invalid notification template: bodyText: Parse error on line 1:/);
    expect(issues(broken.body).bodyText).toMatch(/Expecting .*got 'EOF'/);

    const unknown = await admin.patch('/notification-templates/ticket_created', { subject: 'Ticket {{ticket.numbr}}', bodyHtml: '{{shout ticket.subject}}' });
    expect(unknown.status).toBe(400);
    expect(issues(unknown.body).subject).toMatch(/^unknown placeholder \{\{ticket.numbr\}\} \(line 1, column 10\); available: ticket.number/);
    expect(issues(unknown.body).bodyHtml).toMatch(/^unknown helper "shout"/);

    expect(issues((await admin.patch('/notification-templates/ticket_created', { subject: ' ' })).body).subject).toBe('must not be empty');
    expect(issues((await admin.patch('/notification-templates/status_changed', { statusKinds: ['done'] })).body)['statusKinds.0']).toMatch(/must be one of/);
    expect(issues((await admin.patch('/notification-templates/ticket_created', { statusKinds: ['resolved'] })).body).statusKinds).toMatch(/only status_changed/);
    expect((await admin.patch('/notification-templates/ticket_created', { colour: 'red' })).status).toBe(400);
    // Nothing was changed by the refused requests.
    expect((await admin.get('/notification-templates/ticket_created')).body.subject).toBe(NOTIFICATION_TEMPLATE_DEFAULTS[0].subject);
  });

  it('previews the stored template or unsaved texts with sample data', async () => {
    const stored = await spec.post('/notification-templates/ticket_created/preview', {});
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({
      subject: 'We have received your request [#1042]: Printer is on fire',
      text: expect.stringContaining('Hello Ann Customer,\n\nWe have received your request [#1042] "Printer is on fire"'),
    });
    const closed = await spec.post('/notification-templates/status_changed/preview', { statusKind: 'closed' });
    expect(closed.body.subject).toBe('Your request [#1042] has been closed: Printer is on fire');
    const draft = await spec.post('/notification-templates/status_changed/preview', {
      bodyText: '{{ticket.status}} for {{company.name}}',
      bodyHtml: '<b>{{ticket.subject}}</b>',
      statusKind: 'pending',
    });
    expect(draft.body).toMatchObject({ text: 'Pending for Example Org', html: '<b>Printer is on fire</b>' });
    expect((await spec.post('/notification-templates/status_changed/preview', { bodyText: '{{#if}}' })).status).toBe(400);
  });

  it('answers 404 for an unknown template, 400 for an unknown channel, 403 to a non-admin changing one', async () => {
    const missing = await admin.get('/notification-templates/ticket_deleted');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('notification template ticket_deleted does not exist');
    expect((await admin.get('/notification-templates/ticket_created?channel=fax')).status).toBe(400);
    const denied = await spec.patch('/notification-templates/ticket_created', { enabled: false });
    expect(denied.status).toBe(403);
  });
});
