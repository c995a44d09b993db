import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { CoreConfig } from '../config.js';
import { createGroupSchema, createResponseSchema } from '../canned-responses/canned-responses.schemas.js';
import { createWebformSchema } from '../webforms/webforms.schemas.js';

interface DemoMessage {
  direction: 'inbound' | 'outbound' | 'note';
  text: string;
  minutesAgo: number;
  externalId?: string;
}

interface DemoTicket {
  subject: string;
  channel: 'email' | 'telegram' | 'sms' | 'webform' | 'console';
  status: 'open' | 'pending' | 'resolved' | 'on_hold';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  contact: 'anna' | 'boris' | 'chen' | 'dana';
  channelAccountId: string;
  threadKey?: string;
  messages: DemoMessage[];
}

const CONTACTS = {
  anna: { name: 'Anna Lindqvist', identities: [['email', 'anna@northwind.test']] },
  boris: { name: 'Boris Petrov', identities: [['telegram', '100200300']] },
  chen: { name: 'Chen Wei', identities: [['phone', '+447700900123']] },
  dana: { name: 'Dana Scott', identities: [['email', 'dana@example.org'], ['phone', '+14155550123']] },
} as const;

const TICKETS: DemoTicket[] = [
  {
    subject: 'Invoice #4411 charged twice',
    channel: 'email',
    status: 'open',
    priority: 'high',
    contact: 'anna',
    channelAccountId: 'support@northwind.test',
    messages: [
      { direction: 'inbound', text: 'Hello, our card was charged twice for invoice #4411. Please refund one payment.', minutesAgo: 180, externalId: '<demo-1@northwind.test>' },
      { direction: 'note', text: 'Payments confirms a duplicate capture; refund requested.', minutesAgo: 150 },
    ],
  },
  {
    subject: 'Order 7781 has not arrived',
    channel: 'telegram',
    status: 'pending',
    priority: 'normal',
    contact: 'boris',
    channelAccountId: 'demo-bot',
    threadKey: '100200300',
    messages: [
      { direction: 'inbound', text: 'Order 7781 has not arrived', minutesAgo: 300, externalId: 'tg-demo-1' },
      { direction: 'outbound', text: 'Sorry about that, Boris! Could you confirm the delivery address?', minutesAgo: 280 },
    ],
  },
  {
    subject: 'Cannot reset my password',
    channel: 'sms',
    status: 'open',
    priority: 'urgent',
    contact: 'chen',
    channelAccountId: 'demo-sms',
    messages: [{ direction: 'inbound', text: 'Cannot reset my password, the code never comes', minutesAgo: 25, externalId: 'sms-demo-1' }],
  },
  {
    subject: 'Request via web form',
    channel: 'webform',
    status: 'resolved',
    priority: 'low',
    contact: 'dana',
    channelAccountId: 'contact-form',
    messages: [
      { direction: 'inbound', text: 'Name: Dana Scott\nE-mail: dana@example.org\nTopic: Partnership\nMessage: Do you offer volume discounts?', minutesAgo: 2000, externalId: 'webform-demo-1' },
      { direction: 'outbound', text: 'Hi Dana, yes: 10% from 50 seats. I have sent our price list.', minutesAgo: 1900 },
    ],
  },
  {
    subject: 'Renew the TLS certificate of the help centre',
    channel: 'console',
    status: 'on_hold',
    priority: 'normal',
    contact: 'anna',
    channelAccountId: 'console',
    messages: [{ direction: 'note', text: 'Waiting for the hosting provider to issue it.', minutesAgo: 60 }],
  },
];

/** Demo canned responses: two groups, checked against the same rules as the API's. */
export const DEMO_CANNED_RESPONSES = [
  {
    group: 'Greetings',
    responses: [
      { title: 'Hello', body: 'Hello{{#if contact.name}} {{contact.name}}{{/if}},\n\nthank you for contacting us about "{{ticket.subject}}" (request #{{ticket.number}}).' },
      { title: 'Sign-off', body: 'Kind regards,\n{{agent.name}}\nSwitchboard support' },
    ],
  },
  {
    group: 'Troubleshooting',
    responses: [
      { title: 'Need more details', body: 'Could you tell us which version you use and send a screenshot of the error? Please reply to this message and keep #{{ticket.number}} in the subject.' },
      { title: 'Restart first', body: 'Please restart the application and try again. If the problem remains, reply here and we will dig deeper.' },
    ],
  },
] as const;

/** The demo web form (key `demo`), allowed on the webform service's own origin so its demo page can show it. */
export const DEMO_WEBFORM_KEY = 'demo';

function demoWebform(publicUrl: string) {
  return createWebformSchema.parse({
    key: DEMO_WEBFORM_KEY,
    title: 'Contact support',
    introText: 'Tell us what happened and we will get back to you, usually within one working day.',
    fields: [
      { name: 'name', label: 'Name', type: 'text', role: 'name', required: true },
      { name: 'email', label: 'E-mail', type: 'email', role: 'email', required: true },
      { name: 'phone', label: 'Phone', type: 'phone', role: 'phone' },
      { name: 'topic', label: 'Topic', type: 'select', options: ['Billing', 'Technical problem', 'Other'] },
      { name: 'message', label: 'Message', type: 'textarea', role: 'message', required: true },
      { name: 'consent', label: 'I agree to be contacted', type: 'checkbox', required: true },
    ],
    filesAllowed: true,
    allowedOrigins: [new URL(publicUrl).origin],
  });
}

/**
 * A small demo data set for a first look: a company, four contacts, a ticket on each channel and a
 * web form. The tickets are seeded only into a database with no tickets, so they never mix with
 * real data; the form whenever no form has its key, so a database seeded before forms existed
 * gets it too.
 */
export async function seedDemo(ds: DataSource, config: Pick<CoreConfig, 'WEBFORM_PUBLIC_URL'>, logger: Logger): Promise<void> {
  if (await demoCannedResponses(ds)) logger.info({ groups: DEMO_CANNED_RESPONSES.length }, 'seeded the demo canned responses');
  const [{ count }] = await ds.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM tickets`);
  if (count > 0) {
    if (await demoForm(ds.manager, config.WEBFORM_PUBLIC_URL)) logger.info({ webform: DEMO_WEBFORM_KEY }, 'seeded the demo web form');
    return;
  }
  await ds.transaction(async (em) => {
    const [admin] = await em.query<{ id: string }[]>(`SELECT id FROM agents WHERE role = 'admin' ORDER BY created_at LIMIT 1`);
    const [firstLine] = await em.query<{ id: string }[]>(`SELECT id FROM agent_groups WHERE line = 1 ORDER BY created_at LIMIT 1`);
    const [company] = await em.query<{ id: string }[]>(
      `INSERT INTO companies (name) VALUES ('Northwind Traders') ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    );
    await em.query(`INSERT INTO company_domains (domain, company_id) VALUES ('northwind.test', $1) ON CONFLICT DO NOTHING`, [company.id]);
    const contactIds: Record<string, string> = {};
    for (const [key, c] of Object.entries(CONTACTS)) {
      contactIds[key] = await demoContact(em, c.name, c.identities, c.identities.some(([k, v]) => k === 'email' && v.endsWith('@northwind.test')) ? company.id : null);
    }
    for (const t of TICKETS) {
      await demoTicket(em, t, contactIds[t.contact], t.contact === 'anna' ? company.id : null, admin?.id ?? null, firstLine?.id ?? null);
    }
    await demoForm(em, config.WEBFORM_PUBLIC_URL);
  });
  logger.info({ tickets: TICKETS.length, webform: DEMO_WEBFORM_KEY }, 'seeded the demo data');
}

/** Seeds the demo canned responses while there are no canned response groups at all; true when it did. */
async function demoCannedResponses(ds: DataSource): Promise<boolean> {
  return ds.transaction(async (em) => {
    await em.query(`LOCK TABLE canned_response_groups IN SHARE ROW EXCLUSIVE MODE`);
    const [{ n }] = await em.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM canned_response_groups`);
    if (n > 0) return false;
    for (const [gi, g] of DEMO_CANNED_RESPONSES.entries()) {
      const group = createGroupSchema.parse({ name: g.group, position: gi });
      const [row] = await em.query<{ id: string }[]>(`INSERT INTO canned_response_groups (name, position) VALUES ($1, $2) RETURNING id`, [group.name, group.position]);
      for (const [ri, r] of g.responses.entries()) {
        const response = createResponseSchema.parse({ groupId: row.id, title: r.title, body: r.body, position: ri });
        await em.query(`INSERT INTO canned_responses (group_id, title, body, position) VALUES ($1, $2, $3, $4)`, [row.id, response.title, response.body, response.position]);
      }
    }
    return true;
  });
}

/** Leaves a form that already has the key alone (an admin may have changed it); true when it inserted one. */
async function demoForm(em: EntityManager, publicUrl: string): Promise<boolean> {
  const f = demoWebform(publicUrl);
  const inserted = await em.query<{ id: string }[]>(
    `INSERT INTO webforms (key, title, intro_text, button_label, launcher_label, success_message, colors, position, fields,
                           allowed_origins, files_allowed, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10::text[], $11, $12)
     ON CONFLICT (key) DO NOTHING
     RETURNING id`,
    [
      f.key,
      f.title,
      f.introText,
      f.buttonLabel,
      f.launcherLabel,
      f.successMessage,
      JSON.stringify(f.colors),
      f.position,
      JSON.stringify(f.fields),
      f.allowedOrigins,
      f.filesAllowed,
      f.enabled,
    ],
  );
  return inserted.length > 0;
}

async function demoContact(em: EntityManager, name: string, identities: readonly (readonly [string, string])[], companyId: string | null): Promise<string> {
  const [existing] = await em.query<{ contact_id: string }[]>(
    `SELECT contact_id FROM contact_identities WHERE (kind::text, value) = ($1, $2)`,
    [identities[0][0], identities[0][1]],
  );
  if (existing) return existing.contact_id;
  const [c] = await em.query<{ id: string }[]>(`INSERT INTO contacts (name, company_id) VALUES ($1, $2) RETURNING id`, [name, companyId]);
  for (const [kind, value] of identities) {
    await em.query(`INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [c.id, kind, value]);
  }
  return c.id;
}

async function demoTicket(em: EntityManager, t: DemoTicket, contactId: string, companyId: string | null, agentId: string | null, groupId: string | null): Promise<void> {
  const start = Math.max(...t.messages.map((m) => m.minutesAgo));
  const resolved = t.status === 'resolved';
  const [ticket] = await em.query<{ id: string }[]>(
    `INSERT INTO tickets (subject, status_key, status_kind, priority, type, registration_channel, contact_id, company_id,
                          responsible_agent_id, responsible_group_id, created_at, updated_at, active_since, resolved_at,
                          resolution_seconds, on_hold_until, first_response_at, first_response_seconds)
     VALUES ($1, $2::text, $2::text::status_kind, $3, $4, $5, $6, $7, $8, $9, now() - make_interval(mins => $10), now(),
             CASE WHEN $11 THEN NULL ELSE now() - make_interval(mins => $10) END,
             CASE WHEN $11 THEN now() - make_interval(mins => 1800) END,
             CASE WHEN $11 THEN 12000 END,
             CASE WHEN $2::text = 'on_hold' THEN now() + interval '2 days' END,
             $12, $13)
     RETURNING id`,
    [
      t.subject,
      t.status,
      t.priority,
      t.channel === 'console' ? 'internal' : 'question',
      t.channel,
      contactId,
      companyId,
      agentId,
      groupId,
      start,
      resolved,
      ...firstResponse(t),
    ],
  );
  for (const m of t.messages) {
    const inbound = m.direction === 'inbound';
    const outbound = m.direction === 'outbound';
    await em.query(
      `INSERT INTO messages (ticket_id, direction, author_kind, author_contact_id, author_agent_id, visibility, channel, channel_account_id,
                             external_id, thread_key, contact_address, subject, text, delivery_status, received_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now() - make_interval(mins => $16))`,
      [
        ticket.id,
        m.direction,
        inbound ? 'contact' : 'agent',
        inbound ? contactId : null,
        inbound ? null : agentId,
        m.direction === 'note' ? 'internal' : 'public',
        m.direction === 'note' ? 'console' : outbound && t.channel === 'webform' ? 'email' : t.channel,
        m.direction === 'note' ? null : t.channelAccountId,
        m.externalId ?? null,
        t.threadKey ?? null,
        m.direction === 'note' ? null : addressOf(t),
        inbound ? t.subject : null,
        m.text,
        outbound ? 'delivered' : null,
        inbound ? new Date(Date.now() - m.minutesAgo * 60_000) : null,
        m.minutesAgo,
      ],
    );
  }
  await em.query(
    `INSERT INTO ticket_events (ticket_id, actor_kind, kind, data, created_at) VALUES ($1, 'system', 'created', $2::jsonb, now() - make_interval(mins => $3))`,
    [ticket.id, JSON.stringify({ channel: t.channel, demo: true }), start],
  );
}

function firstResponse(t: DemoTicket): [Date | null, number | null] {
  const start = Math.max(...t.messages.map((m) => m.minutesAgo));
  const reply = t.messages.find((m) => m.direction === 'outbound');
  if (!reply) return [null, null];
  return [new Date(Date.now() - reply.minutesAgo * 60_000), (start - reply.minutesAgo) * 60];
}

/** The contact's address on the ticket's channel (a web form is answered by e-mail). */
function addressOf(t: DemoTicket): string | null {
  const kind = t.channel === 'telegram' ? 'telegram' : t.channel === 'sms' ? 'phone' : 'email';
  return CONTACTS[t.contact].identities.find(([k]) => k === kind)?.[1] ?? null;
}
