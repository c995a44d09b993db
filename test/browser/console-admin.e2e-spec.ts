/**
 * The console's admin screens in headless Chromium, against a core started in-process serving the
 * build test/global-setup.ts made (as console.e2e-spec.ts): an admin opens Channels, creates a
 * Telegram bot with a bad token and sees core's error next to the field, fixes the token, creates a
 * canned response; a specialist sees no Admin link, and `/admin` shows "not allowed" without any
 * admin data (or the admin chunk) being fetched.
 *
 * Screenshots go to test/artifacts/. Needs Chromium (see console.e2e-spec.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '../artifacts');
const STEP_MS = 30_000;
/** Other suites share the database (canned responses survive resetState): names and bots unique to this run. */
const RUN = Date.now().toString(36);
const BOT_ID = String(100_000_000 + Math.floor(Math.random() * 800_000_000));
const SPECIALIST = { email: `sam-${RUN}@desk.test`, name: 'Sam Specialist', password: 'sam-password-12' };

describe('the console’s admin screens in headless Chromium', () => {
  let core: RunningCore | undefined;
  let admin: ApiClient;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  async function signIn(p: Page, email: string, password: string) {
    await p.goto(`${core!.url}/login`);
    await p.getByLabel('E-mail').fill(email);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: /My open/ }).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is not at ${CHROMIUM_PATH}; install it or set CHROMIUM_PATH (see console.e2e-spec.ts).`);
    expect(process.env.CONSOLE_DIST_DIR).toBeTruthy();
    core = await startCore();
    await resetState(core);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await core?.close();
  }, STEP_MS);

  it(
    'an admin opens Channels from the Admin link and sees every channel API',
    async () => {
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.locator('[data-testid="admin-link"]').click();
      await page.waitForURL('**/admin/channels');
      await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
      for (const kind of ['email', 'telegram', 'sms', 'webform']) await page.locator(`[data-testid="channels-${kind}"]`).waitFor();
      await page.getByRole('heading', { name: 'Telegram bots' }).waitFor();
    },
    STEP_MS,
  );

  it(
    'creates a Telegram bot: a bad token shows core’s error at the field, a good one lands in the list',
    async () => {
      const telegram = page.locator('[data-testid="channels-telegram"]');
      await page.locator('[data-testid="add-telegram"]').click();
      const form = page.locator('[data-testid="form-telegram"]');
      await form.waitFor();
      await form.getByLabel(/^Name/).fill(`Support bot ${RUN}`);
      await form.getByLabel(/^Bot token/).fill('not-a-token');
      expect(await form.getByLabel(/^Bot token/).getAttribute('type')).toBe('password');
      await form.locator('[data-testid="form-save"]').click();
      const error = form.locator('[data-field="token"] ~ [data-testid="field-error"]');
      await error.waitFor();
      expect(await error.textContent()).toContain('is not a Telegram bot token');
      expect(await form.getByLabel(/^Bot token/).getAttribute('aria-invalid')).toBe('true');

      await form.getByLabel(/^Bot token/).fill(`${BOT_ID}:${'A'.repeat(35)}`);
      await form.locator('[data-testid="form-save"]').click();
      await page.locator('[data-testid="channel-dialog"]').waitFor({ state: 'detached' });
      const row = telegram.locator('[data-testid="channel-row"]', { hasText: `Support bot ${RUN}` });
      await row.waitFor();
      const bots = await admin.get('/channels/telegram?pageSize=100');
      expect(bots.body.items).toContainEqual(expect.objectContaining({ name: `Support bot ${RUN}`, tokenHint: `${BOT_ID}:…AAAA` }));

      // Editing never pre-fills the secret.
      await row.getByRole('button', { name: 'Edit' }).click();
      expect(await page.locator('[data-testid="form-telegram"]').getByLabel(/^Bot token/).inputValue()).toBe('');
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="channel-dialog"]').waitFor({ state: 'detached' });
      await page.screenshot({ path: join(ARTIFACTS, 'console-admin-channels.png'), fullPage: true });
    },
    STEP_MS,
  );

  it(
    'creates a canned response group and a response in it',
    async () => {
      await page.locator('[data-testid="admin-nav-canned"]').click();
      await page.getByRole('heading', { name: 'Canned responses', level: 1 }).waitFor();
      await page.locator('[data-testid="add-canned-group"]').click();
      await page.locator('[data-testid="form-canned-group"]').getByLabel(/^Name/).fill(`Greetings ${RUN}`);
      await page.locator('[data-testid="form-canned-group"] [data-testid="form-save"]').click();
      const group = page.locator('[data-testid="canned-group"]', { hasText: `Greetings ${RUN}` });
      await group.waitFor();
      await group.locator('[data-testid="add-canned-response"]').click();
      const form = page.locator('[data-testid="form-canned-response"]');
      await form.getByLabel(/^Title/).fill(`Hello ${RUN}`);
      await form.getByLabel(/^Text/).fill('Hello {{contact.name}}, thanks for writing.');
      await form.locator('[data-testid="form-save"]').click();
      await group.locator('[data-testid="canned-response"]', { hasText: `Hello ${RUN}` }).waitFor();
      const canned = await admin.get('/canned-responses');
      expect(canned.body.groups).toContainEqual(
        expect.objectContaining({ name: `Greetings ${RUN}`, responses: [expect.objectContaining({ title: `Hello ${RUN}`, body: 'Hello {{contact.name}}, thanks for writing.' })] }),
      );
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );

  it(
    'creates a custom status mapped to a system kind, and lists agents with their groups',
    async () => {
      await page.locator('[data-testid="admin-nav-statuses"]').click();
      await page.locator('[data-testid="statuses-row"]', { hasText: 'Open' }).first().waitFor();
      await page.locator('[data-testid="add-statuses"]').click();
      const form = page.locator('[data-testid="form-statuses"]');
      await form.getByLabel(/^Key/).fill('Bad Key');
      await form.getByLabel(/^Name/).fill(`Waiting for parts ${RUN}`);
      await form.getByLabel(/^Kind/).selectOption('on_hold');
      await form.locator('[data-testid="form-save"]').click();
      await form.locator('[data-field="key"] ~ [data-testid="field-error"]').waitFor();
      await form.getByLabel(/^Key/).fill(`waiting_${RUN}`);
      await form.locator('[data-testid="form-save"]').click();
      const row = page.locator('[data-testid="statuses-row"]', { hasText: `Waiting for parts ${RUN}` });
      await row.waitFor();
      expect(await row.locator('.badge').textContent()).toBe('On hold');
      expect((await admin.get(`/statuses/waiting_${RUN}`)).body).toMatchObject({ key: `waiting_${RUN}`, name: `Waiting for parts ${RUN}`, kind: 'on_hold', isSystem: false });

      await page.locator('[data-testid="admin-nav-agents"]').click();
      await page.locator('[data-testid="agents-row"]', { hasText: 'admin@example.com' }).waitFor();
      await page.locator('[data-testid="groups-row"]', { hasText: '1st line' }).waitFor();
    },
    STEP_MS,
  );

  it(
    'a specialist has no Admin link, and /admin says "not allowed" without fetching admin data',
    async () => {
      expect((await admin.post('/agents', { ...SPECIALIST, role: 'specialist' })).status).toBe(201);
      const context = await browser!.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
      const p = await context.newPage();
      p.setDefaultTimeout(10_000);
      p.on('pageerror', (err) => pageErrors.push(err.message));
      const requests: string[] = [];
      p.on('request', (req) => requests.push(new URL(req.url()).pathname));
      await signIn(p, SPECIALIST.email, SPECIALIST.password);
      expect(await p.locator('[data-testid="admin-link"]').count()).toBe(0);
      await p.goto(`${core!.url}/admin`);
      await p.locator('[data-testid="not-allowed"]').waitFor();
      expect(await p.locator('[data-testid="not-allowed"]').textContent()).toContain('not allowed');
      await p.goto(`${core!.url}/admin/channels`);
      await p.locator('[data-testid="not-allowed"]').waitFor();
      await new Promise((r) => setTimeout(r, 300));
      expect(requests.filter((u) => /\/api\/v1\/(channels|webforms|canned-responses|agents|groups|statuses)/.test(u))).toEqual([]);
      expect(requests.filter((u) => /AdminArea/.test(u))).toEqual([]);
      await waitFor('no errors', async () => (pageErrors.length === 0 ? true : undefined));
      await context.close();
    },
    STEP_MS,
  );
});
