/**
 * The agents' console (apps/console) in headless Chromium, served by a core started in-process
 * from the build test/global-setup.ts made (CONSOLE_DIST_DIR). The tests are the steps of one
 * agent's visit and run in order on the same page: log in, the inbox and its filters, a ticket
 * (note, reply, only legal statuses, resolve), an expired session, logging out.
 *
 * Screenshots go to test/artifacts/. Needs Chromium: `apt-get update && apt-get install -y
 * chromium`, or CHROMIUM_PATH set to a Chromium / Chrome binary.
 */
import { getQueueToken } from '@nestjs/bullmq';
import { JobName, QueueName, type OutboundMessage } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../artifacts');
const STEP_MS = 30_000;

describe('the agents’ console in headless Chromium (served by core)', () => {
  let core: RunningCore | undefined;
  let inbound: Queue | undefined;
  let outboundEmail: Queue;
  let admin: ApiClient;
  let browser: Browser | undefined;
  let page: Page;
  let colleague: Socket | undefined;
  const pageErrors: string[] = [];
  const tickets: Record<string, { ticketId: string; ticketNumber: number }> = {};

  const rows = () => page.locator('[data-testid="ticket-row"]');
  const rowSubjects = async () => (await page.locator('[data-testid="ticket-row"] .subject a').allTextContents()).sort();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium is not at ${CHROMIUM_PATH}; the browser tests need it. Install it with ` +
          '`apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.',
      );
    }
    expect(process.env.CONSOLE_DIST_DIR).toBeTruthy();
    core = await startCore();
    await resetState(core);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    outboundEmail = core.app.get<Queue>(getQueueToken(QueueName.OutboundEmail));
    for (const [key, subject] of [
      ['invoice', 'Invoice is wrong'],
      ['login', 'Cannot log in'],
      ['parcel', 'Where is my parcel?'],
    ] as const) {
      const job = await enqueueInbound(inbound, emailMessage({ subject, sender: { email: `${key}@example.org`, displayName: `Customer ${key}` } }));
      const { job: done, state } = await settled(inbound, job.id!);
      expect(state).toBe('completed');
      tickets[key] = done.returnvalue as { ticketId: string; ticketNumber: number };
    }
    const phone = await admin.post('/tickets', { subject: 'Called about a refund', registrationChannel: 'phone', contact: { phone: '+442071838750', name: 'Phone Caller' } });
    expect(phone.status).toBe(201);

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    colleague?.disconnect();
    await browser?.close();
    await inbound?.close();
    await core?.close();
  }, STEP_MS);

  it(
    'serves the app at / with SPA fallback and cache headers, and leaves the API alone',
    async () => {
      const index = await fetch(`${core!.url}/tickets/whatever`);
      expect(index.status).toBe(200);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const html = await index.text();
      expect(html).toContain('<div id="root">');
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
      const js = await fetch(`${core!.url}${asset}`);
      expect([js.status, js.headers.get('cache-control'), js.headers.get('content-type')]).toEqual([200, 'public, max-age=31536000, immutable', 'text/javascript; charset=utf-8']);
      expect((await fetch(`${core!.url}/assets/missing-123.js`)).status).toBe(404);
      const api = await fetch(`${core!.url}/api/v1/no-such-thing`);
      expect([api.status, api.headers.get('content-type')]).toEqual([404, 'application/json; charset=utf-8']);
      expect((await fetch(`${core!.url}/health`)).status).toBe(200);
      expect((await fetch(`${core!.url}/socket.io/?EIO=4&transport=polling`)).headers.get('content-type')).not.toContain('text/html');
    },
    STEP_MS,
  );

  it(
    'logs in',
    async () => {
      await page.goto(`${core!.url}/`);
      await page.waitForURL('**/login');
      await page.getByLabel('E-mail').fill(ADMIN.email);
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /My open/ }).waitFor();
      expect(await page.locator('.who').textContent()).toContain('Signed in as');
    },
    STEP_MS,
  );

  it(
    'lists the seeded tickets, and a filter narrows them',
    async () => {
      // Nothing is assigned to the admin: "My open" is empty, "Unassigned" and "All" have all four.
      await page.locator('.empty', { hasText: 'No tickets here.' }).waitFor();
      await page.locator('[data-view="all"]').click();
      await waitFor('four rows', async () => ((await rows().count()) === 4 ? true : undefined));
      expect(await rowSubjects()).toEqual(['Called about a refund', 'Cannot log in', 'Invoice is wrong', 'Where is my parcel?']);
      expect(await page.locator('[data-testid="ticket-total"]').textContent()).toBe('4 tickets');
      expect(await page.locator('.channel-icon[data-channel="email"]').count()).toBe(3);

      await page.locator('[data-testid="filter-channel"]').selectOption('phone');
      await waitFor('one row', async () => ((await rows().count()) === 1 ? true : undefined));
      expect(await rowSubjects()).toEqual(['Called about a refund']);
      expect(page.url()).toContain('channel=phone');

      await page.locator('[data-testid="filter-channel"]').selectOption('');
      await page.locator('[data-testid="search"]').fill('invoice');
      await waitFor('the search', async () => ((await rows().count()) === 1 ? true : undefined));
      expect(await rowSubjects()).toEqual(['Invoice is wrong']);
      await page.locator('[data-testid="search"]').fill('');
      await waitFor('four rows again', async () => ((await rows().count()) === 4 ? true : undefined));
      await page.screenshot({ path: join(ARTIFACTS, 'console-inbox.png'), fullPage: true });
    },
    STEP_MS,
  );

  it(
    'moves with j/k and opens with Enter; an opened ticket is no longer bold',
    async () => {
      // The admin has opened none of them yet: every row is unseen (bold).
      expect(await page.locator('[data-testid="ticket-row"].unseen').count()).toBe(4);
      await page.locator('body').click({ position: { x: 5, y: 300 } });
      expect(await rows().nth(0).getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      expect(await rows().nth(1).getAttribute('aria-selected')).toBe('true');
      const subject = await rows().nth(1).locator('.subject a').textContent();
      await page.keyboard.press('Enter');
      await page.waitForURL('**/tickets/*');
      await page.getByRole('heading', { name: subject! }).waitFor();
      await page.goBack();
      await page.locator('[data-view="all"][aria-current="page"]').waitFor();
      await waitFor('the opened row to lose its bold', async () => ((await page.locator('[data-testid="ticket-row"].unseen').count()) === 3 ? true : undefined));
      expect((await page.locator('[data-testid="ticket-row"]', { hasText: subject! }).getAttribute('class')) ?? '').not.toContain('unseen');
    },
    STEP_MS,
  );

  it(
    'opens a ticket, adds an internal note and a reply that goes to the e-mail outbound queue',
    async () => {
      const { ticketId, ticketNumber } = tickets.invoice;
      await page.locator('.subject a', { hasText: 'Invoice is wrong' }).click();
      await page.waitForURL(`**/tickets/${ticketId}`);
      await page.getByRole('heading', { name: `#${ticketNumber} Invoice is wrong` }).waitFor();
      expect(await page.locator('[data-testid="message"]').count()).toBe(1);

      await page.keyboard.press('n');
      expect(await page.locator('[data-testid="tab-internal"]').getAttribute('aria-selected')).toBe('true');
      await page.locator('[data-testid="composer-text"]').fill('Checked the billing system: the VAT is wrong.');
      await page.locator('[data-testid="composer-send"]').click();
      const note = page.locator('[data-testid="message"][data-visibility="internal"]');
      await note.waitFor();
      expect(await note.textContent()).toContain('Checked the billing system');
      expect(await note.locator('.tag-note').textContent()).toBe('Internal note');

      await page.locator('[data-testid="composer-text"]').click();
      await page.locator('[data-testid="composer-text"]').blur();
      await page.keyboard.press('r');
      expect(await page.locator('[data-testid="tab-public"]').getAttribute('aria-selected')).toBe('true');
      await page.locator('[data-testid="composer-text"]').fill('Sorry about that, a corrected invoice is on its way.');
      await page.keyboard.press('Control+Enter');
      const reply = page.locator('[data-testid="message"][data-direction="outbound"][data-visibility="public"]');
      await reply.waitFor();
      expect(await reply.locator('[data-testid="delivery"]').textContent()).toMatch(/^Delivery: (Queued|Sent)/);
      const job = await waitFor('the reply on the outbound e-mail queue', async () => {
        const jobs = await outboundEmail.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
        return jobs.find((j) => (j.data as OutboundMessage).ticketId === ticketId);
      });
      expect(job.data).toMatchObject({ ticketId, channel: 'email', recipient: { email: 'invoice@example.org' }, text: 'Sorry about that, a corrected invoice is on its way.' });
      const inDb = await admin.get(`/tickets/${ticketId}`);
      expect(inDb.body.messages.map((m: { visibility: string }) => m.visibility)).toEqual(['public', 'internal', 'public']);
    },
    STEP_MS,
  );

  it(
    'replies with a canned response, its placeholders filled for the ticket',
    async () => {
      const { ticketId, ticketNumber } = tickets.invoice;
      // Canned responses are not emptied between test files: names unique to this run.
      const tag = Date.now().toString(36);
      const group = await admin.post('/canned-responses/groups', { name: `Billing ${tag}` });
      expect(group.status).toBe(201);
      const other = await admin.post('/canned-responses/groups', { name: `Greetings ${tag}` });
      expect(other.status).toBe(201);
      for (const [groupId, title, body] of [
        [group.body.id, `Invoice corrected ${tag}`, 'Hello {{contact.name}}, the invoice for #{{ticket.number}} is corrected.\n{{agent.name}}'],
        [group.body.id, 'Refund issued', 'We have refunded you.'],
        [other.body.id, 'Hi', 'Hi!'],
      ]) {
        expect((await admin.post('/canned-responses', { groupId, title, body })).status).toBe(201);
      }

      await page.locator('[data-testid="canned-open"]').click();
      const dialog = page.locator('[data-testid="canned-dialog"]');
      await dialog.waitFor();
      await dialog.locator('[data-testid="canned-group"]', { hasText: `Billing ${tag}` }).waitFor();
      await page.locator('[data-testid="canned-filter"]').fill(`corrected ${tag}`);
      await waitFor('the filter', async () => ((await dialog.locator('[data-testid="canned-response"]').count()) === 1 ? true : undefined));
      expect(await dialog.locator('[data-testid="canned-group"]').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'console-canned.png') });
      await dialog.locator('[data-testid="canned-response"]', { hasText: `Invoice corrected ${tag}` }).click();
      await dialog.waitFor({ state: 'detached' });
      const text = await page.locator('[data-testid="composer-text"]').inputValue();
      expect(text).toBe(`Hello Customer invoice, the invoice for #${ticketNumber} is corrected.\nAdministrator`);
      // The reply goes on the customer's channel (the only one their identities allow), with a file.
      expect(await page.locator('[data-testid="reply-channel"] option').allTextContents()).toEqual(['E-mail']);
      expect(await page.locator('[data-testid="reply-channel"]').inputValue()).toBe('email');
      await page.locator('[data-testid="reply-attach"]').setInputFiles({ name: 'invoice-fixed.txt', mimeType: 'text/plain', buffer: Buffer.from('corrected invoice') });
      await page.locator('[data-testid="reply-file"]', { hasText: 'invoice-fixed.txt' }).waitFor();
      await page.locator('[data-testid="composer-send"]').click();
      await page.locator('[data-testid="message"][data-direction="outbound"]', { hasText: `the invoice for #${ticketNumber} is corrected` }).waitFor();
      const inDb = await admin.get(`/tickets/${ticketId}`);
      expect(inDb.body.messages.at(-1)).toMatchObject({ visibility: 'public', channel: 'email', text, attachments: [expect.objectContaining({ filename: 'invoice-fixed.txt', size: 17 })] });
      expect(await page.locator('[data-testid="reply-file"]').count()).toBe(0);
    },
    STEP_MS,
  );

  it(
    'shows a colleague viewing and replying, and their note without a reload (realtime)',
    async () => {
      const { ticketId } = tickets.invoice;
      const created = await admin.post('/agents', { email: 'anna@desk.test', name: 'Anna Agent', role: 'specialist', password: 'anna-password-1' });
      expect(created.status).toBe(201);
      const anna = await new ApiClient(core!.api).login('anna@desk.test', 'anna-password-1');
      colleague = io(`${core!.url}/realtime`, { path: '/socket.io', auth: { token: anna.authHeaders().authorization.slice('Bearer '.length) }, transports: ['websocket'] });
      await new Promise<void>((resolve, reject) => {
        colleague!.once('connect', resolve);
        colleague!.once('connect_error', reject);
      });
      colleague.emit('ticket.watch', { ticketId });
      await page.locator('[data-testid="presence"]', { hasText: 'Anna Agent is viewing' }).waitFor();
      colleague.emit('ticket.typing', { ticketId, typing: true });
      await page.locator('[data-testid="presence"]', { hasText: 'Anna Agent is replying' }).waitFor();
      // Only others are shown: the page's own agent watches too, but is never listed.
      expect(await page.locator('[data-testid="presence"]').textContent()).not.toContain('Administrator');
      expect((await anna.post(`/tickets/${ticketId}/messages`, { body: 'I know this customer, ping me.', visibility: 'internal' })).status).toBe(201);
      await page.locator('[data-testid="message"][data-visibility="internal"]', { hasText: 'I know this customer' }).waitFor();
      colleague.emit('ticket.unwatch', { ticketId });
      await page.locator('[data-testid="presence"]').waitFor({ state: 'detached' });
    },
    STEP_MS,
  );

  it(
    'shows a customer message from the inbound queue in the open ticket within 2 s, without a reload',
    async () => {
      const { ticketId } = tickets.invoice;
      const text = `Thanks, still waiting for it (${Date.now()}).`;
      const started = Date.now();
      await enqueueInbound(inbound!, emailMessage({ subject: 'Re: Invoice is wrong', text, sender: { email: 'invoice@example.org', displayName: 'Customer invoice' }, threadHints: { ticketId, messageIds: [] } }));
      await page.locator('[data-testid="message"][data-direction="inbound"]', { hasText: text }).waitFor({ timeout: 5_000 });
      expect(Date.now() - started).toBeLessThanOrEqual(2_000);
    },
    STEP_MS,
  );

  it(
    'changes a reply’s delivery state on screen as delivery reports arrive, with a retry on failure',
    async () => {
      const { ticketId } = tickets.invoice;
      const delivery = queue(core!.redis, core!.config.QUEUE_PREFIX, QueueName.Delivery);
      try {
        const text = `Delivery check ${Date.now()}`;
        await page.locator('[data-testid="composer-text"]').click();
        await page.locator('[data-testid="composer-text"]').blur();
        await page.keyboard.press('r');
        await page.locator('[data-testid="composer-text"]').fill(text);
        await page.locator('[data-testid="composer-send"]').click();
        const msg = page.locator('[data-testid="message"][data-direction="outbound"]', { hasText: text });
        await msg.waitFor();
        const t = await admin.get(`/tickets/${ticketId}`);
        const id = t.body.messages.find((m: { text?: string; body?: string }) => (m.text ?? m.body) === text).id as string;
        const report = async (status: string, extra: object = {}) => {
          const job = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: id, status, at: new Date().toISOString(), ...extra }, { jobId: `br-${id}-${status}` });
          expect((await settled(delivery, job.id!)).state).toBe('completed');
        };
        const state = msg.locator('[data-testid="delivery"]');
        await report('sent');
        await state.filter({ hasText: 'Delivery: Sent' }).waitFor();
        await report('delivered');
        await state.filter({ hasText: 'Delivery: Delivered' }).waitFor();
        expect(await msg.locator('[data-testid="retry"]').count()).toBe(0);

        const text2 = `Failing delivery ${Date.now()}`;
        await page.locator('[data-testid="composer-text"]').fill(text2);
        await page.locator('[data-testid="composer-send"]').click();
        const msg2 = page.locator('[data-testid="message"][data-direction="outbound"]', { hasText: text2 });
        await msg2.waitFor();
        const t2 = await admin.get(`/tickets/${ticketId}`);
        const id2 = t2.body.messages.find((m: { text?: string; body?: string }) => (m.text ?? m.body) === text2).id as string;
        const job = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: id2, status: 'failed', reason: '550 no such mailbox', at: new Date().toISOString() }, { jobId: `br-${id2}-failed` });
        expect((await settled(delivery, job.id!)).state).toBe('completed');
        await msg2.locator('[data-testid="delivery"]', { hasText: 'Delivery: Failed' }).waitFor();
        expect(await msg2.locator('[data-testid="delivery"]').textContent()).toContain('550 no such mailbox');
        await msg2.locator('[data-testid="retry"]').waitFor();
      } finally {
        await delivery.close();
      }
    },
    STEP_MS,
  );

  it(
    'shows a second agent, in their own browser context, that the first is replying',
    async () => {
      const { ticketId } = tickets.invoice;
      const context = await browser!.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
      try {
        const second = await context.newPage();
        second.setDefaultTimeout(10_000);
        await second.goto(`${core!.url}/`);
        await second.waitForURL('**/login');
        await second.getByLabel('E-mail').fill('anna@desk.test');
        await second.getByLabel('Password').fill('anna-password-1');
        await second.getByRole('button', { name: 'Sign in' }).click();
        await second.getByRole('heading', { name: /My open/ }).waitFor();
        await second.goto(`${core!.url}/tickets/${ticketId}`);
        await second.locator('[data-testid="presence"]', { hasText: 'Administrator is viewing' }).waitFor();
        await page.locator('[data-testid="composer-text"]').pressSequentially('Typing a reply');
        await second.locator('[data-testid="presence"]', { hasText: 'Administrator is replying' }).waitFor();
        await page.locator('[data-testid="presence"]', { hasText: 'Anna Agent is viewing' }).waitFor();
        await page.locator('[data-testid="composer-text"]').fill('');
      } finally {
        await context.close();
      }
    },
    STEP_MS,
  );

  it(
    'mentions a colleague in a note with @: a chip in the feed, a notification for them',
    async () => {
      const { ticketId } = tickets.invoice;
      await page.locator('#ticket-title').click();
      await page.keyboard.press('n');
      const box = page.locator('[data-testid="composer-text"]');
      await box.pressSequentially('Please look, @ann');
      await page.locator('[data-testid="mention-option"]', { hasText: 'Anna Agent' }).waitFor();
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="mention-menu"]').waitFor({ state: 'detached' });
      await box.pressSequentially('thanks');
      const anna = await admin.get('/agents?q=anna');
      const annaId = anna.body.items[0].id as string;
      expect(await box.inputValue()).toBe(`Please look, @[Anna Agent](agent:${annaId}) thanks`);
      await page.locator('[data-testid="composer-send"]').click();
      const chip = page.locator('[data-testid="message"][data-visibility="internal"] [data-testid="mention"]');
      await chip.waitFor();
      expect([await chip.textContent(), await chip.getAttribute('data-agent-id')]).toEqual(['@Anna Agent', annaId]);
      const annaApi = await new ApiClient(core!.api).login('anna@desk.test', 'anna-password-1');
      const notes = await annaApi.get('/me/notifications');
      expect(notes.body.items).toEqual([expect.objectContaining({ kind: 'mention', ticket: expect.objectContaining({ id: ticketId }), actor: expect.objectContaining({ name: 'Administrator' }) })]);
    },
    STEP_MS,
  );

  it(
    'offers only the statuses core allows; resolving changes what is offered',
    async () => {
      const options = async () => (await page.locator('[data-testid="status-select"] option').allTextContents()).slice(1);
      expect(await options()).toEqual(['Pending', 'On hold', 'Resolved']);
      await page.locator('[data-testid="status-select"]').selectOption('on_hold');
      await page.locator('[data-testid="hold-dialog"]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="hold-dialog"]').waitFor({ state: 'detached' });

      // Shortcuts are for the page, not for a focused field (the dialog gave the focus back to the select).
      await page.locator('#ticket-title').click();
      await page.keyboard.press('?');
      await page.locator('[data-testid="help-dialog"]').waitFor();
      expect(await page.locator('[data-testid="help-dialog"] kbd').allTextContents()).toEqual(['j', 'k', 'Enter', 'r', 'n', 'e', '?', 'Esc']);
      await page.keyboard.press('Escape');

      await page.screenshot({ path: join(ARTIFACTS, 'console-ticket.png'), fullPage: true });
      await page.locator('[data-testid="resolve"]').click();
      await page.locator('.ticket-title-row .badge[data-kind="resolved"]').waitFor();
      expect(await options()).toEqual(['Closed', 'Open']);
      expect(await page.locator('[data-testid="resolve"]').count()).toBe(0);
      expect(await page.locator('[data-testid="reopen"]').isVisible()).toBe(true);
      const t = await admin.get(`/tickets/${tickets.invoice.ticketId}`);
      expect(t.body.status.kind).toBe('resolved');
    },
    STEP_MS,
  );

  it(
    'shows the contact, related tickets and the history in the side panel; the contact can be renamed',
    async () => {
      const { ticketId } = tickets.invoice;
      const other = await admin.post('/tickets', { subject: 'Invoice follow-up', registrationChannel: 'phone', contact: { email: 'invoice@example.org' } });
      expect(other.status).toBe(201);
      await page.reload();
      const side = page.locator('[data-testid="side-panel"]');
      await side.locator('[data-testid="contact-name"]', { hasText: 'Customer invoice' }).waitFor();
      expect(await side.locator('[data-testid="identity"][data-kind="email"]').textContent()).toContain('invoice@example.org');
      await side.locator('[data-testid="related-ticket"]', { hasText: 'Invoice follow-up' }).waitFor();
      const kinds = await side.locator('[data-testid="history-event"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
      expect(kinds[0]).toBe('created');
      expect(kinds).toEqual(expect.arrayContaining(['message_added', 'status_changed']));
      await page.screenshot({ path: join(ARTIFACTS, 'console-ticket-side.png'), fullPage: true });

      await side.locator('[data-testid="contact-edit"]').click();
      await side.locator('[data-testid="contact-name-input"]').fill('Ivan Invoice');
      await side.locator('[data-testid="contact-save"]').click();
      await side.locator('[data-testid="contact-name"]', { hasText: 'Ivan Invoice' }).waitFor();
      const t = await admin.get(`/tickets/${ticketId}`);
      expect(t.body.contact.name).toBe('Ivan Invoice');

      await side.locator('[data-testid="related-ticket"]', { hasText: 'Invoice follow-up' }).click();
      await page.waitForURL(`**/tickets/${other.body.id}`);
      await page.getByRole('heading', { name: /Invoice follow-up/ }).waitFor();
      await page.locator('[data-testid="related-ticket"]', { hasText: 'Invoice is wrong' }).waitFor();
    },
    STEP_MS,
  );

  it(
    'escalates from the ticket page with e and a note; the ticket shows the 2nd line',
    async () => {
      await page.locator('#ticket-title').click();
      await page.keyboard.press('e');
      const dialog = page.locator('[data-testid="escalate-dialog"]');
      await dialog.waitFor();
      await dialog.locator('textarea').fill('Needs a refund decision from billing.');
      await dialog.getByRole('button', { name: 'Escalate' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('.badge-line', { hasText: 'Line 2' }).waitFor();
      expect(await page.locator('[data-testid="escalate"]').count()).toBe(0);
      const id = page.url().split('/tickets/')[1];
      expect((await admin.get(`/tickets/${id}`)).body.line).toBe(2);
    },
    STEP_MS,
  );

  it(
    'sends an expired session back to the login page with a message',
    async () => {
      await page.evaluate(() => {
        const store = (globalThis as any).sessionStorage;
        const s = JSON.parse(store.getItem('switchboard.session'));
        store.setItem('switchboard.session', JSON.stringify({ ...s, token: 'expired.token.value' }));
      });
      await page.goto(`${core!.url}/`);
      await page.waitForURL('**/login');
      expect(await page.locator('[data-testid="login-notice"]').textContent()).toBe('Your session has expired. Please sign in again.');
    },
    STEP_MS,
  );

  it(
    'logs out back to the login page, in Russian too',
    async () => {
      await page.getByLabel('E-mail').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /My open/ }).waitFor();
      await page.locator('[data-testid="language"]').selectOption('ru');
      await page.getByRole('heading', { name: /Мои открытые/ }).waitFor();
      await page.locator('[data-testid="logout"]').click();
      await page.waitForURL('**/login');
      expect(await page.getByRole('heading').textContent()).toBe('Вход в Switchboard');
      expect(await page.locator('[data-testid="login-notice"]').textContent()).toBe('Вы вышли из системы.');
      expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('switchboard.session'))).toBeNull();
      await page.goto(`${core!.url}/`);
      await page.waitForURL('**/login');
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );

  it(
    'works without a realtime gateway, and does not keep hammering for one',
    async () => {
      colleague?.disconnect();
      colleague = undefined;
      await core!.close();
      core = await startCore({ REALTIME_ENABLED: 'false' });
      const socketTries: string[] = [];
      const quiet = await browser!.newPage({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
      quiet.setDefaultTimeout(10_000);
      quiet.on('pageerror', (err) => pageErrors.push(err.message));
      quiet.on('request', (req) => req.url().includes('/socket.io/') && socketTries.push(req.url()));
      await quiet.goto(`${core.url}/login`);
      await quiet.getByLabel('E-mail').fill(ADMIN.email);
      await quiet.getByLabel('Password').fill(ADMIN.password);
      await quiet.getByRole('button', { name: 'Sign in' }).click();
      await quiet.locator('[data-view="all"]').click();
      // The four seeded tickets and the side panel step's follow-up.
      await waitFor('the rows', async () => ((await quiet.locator('[data-testid="ticket-row"]').count()) === 5 ? true : undefined));
      await quiet.locator('.subject a', { hasText: 'Cannot log in' }).click();
      await quiet.locator('[data-testid="composer-text"]').fill('Works without sockets.');
      await quiet.locator('[data-testid="composer-send"]').click();
      await quiet.locator('[data-testid="message"][data-direction="outbound"]', { hasText: 'Works without sockets.' }).waitFor();
      await new Promise((r) => setTimeout(r, 3_000));
      // The first try and at most a couple of backed-off retries, not a storm.
      expect(socketTries.length).toBeGreaterThanOrEqual(1);
      expect(socketTries.length).toBeLessThanOrEqual(3);
      expect(pageErrors).toEqual([]);
      await quiet.close();
    },
    STEP_MS,
  );
});
