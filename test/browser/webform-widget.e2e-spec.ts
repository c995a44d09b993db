/**
 * widget.js in a real browser (headless Chromium through playwright-core), embedded in a page on
 * another origin whose CSS is hostile to widgets, talking to the real webform and core services.
 *
 * The tests are the steps of one visit and run in order on the same page: the launcher, the
 * browser-side validation, Escape, the focus trap, a submission with a file, and a resend after
 * the service was down.
 *
 * Needs Chromium: `apt-get update && apt-get install -y chromium`, or CHROMIUM_PATH set to a
 * Chromium / Chrome binary.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { deleteKeys } from '../support/redis-keys.js';
import { startWebform, type RunningWebform } from '../support/webform.js';
import { createForm } from '../webform/support.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WEBFORM_OVERRIDES = { WEBFORM_MIN_FILL_MS: '500' };
const SCREENSHOT = '/tmp/webform-widget.png';
const STEP_MS = 60_000;

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** A shop page with the CSS a careless site might have, and the snippet pasted twice (once in <head>). */
function hostPage(widgetUrl: string, key: string): string {
  const snippet = `<script src="${widgetUrl}" data-form="${key}" async></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hostile shop</title>
<style>
  * { color: red !important; font-size: 40px !important; box-sizing: content-box !important; font-family: "Comic Sans MS", cursive !important; }
  button { display: none !important; }
  div, input, textarea, select, form, label { width: 3px !important; margin: 17px !important; }
  input, textarea { background: #ff0 !important; border: 5px dashed lime !important; }
  [role=dialog], dialog { display: none !important; }
  svg { display: none !important; }
  body { background: #f3efe6; }
</style>
${snippet}
</head>
<body>
<h1>Hostile shop</h1>
<p>Everything here is red and huge, buttons are hidden and boxes are 3px wide.</p>
<button id="page-button" type="button">Buy now</button>
<input id="page-input" placeholder="Search">
${snippet}
</body>
</html>
`;
}

describe('widget.js in headless Chromium on a hostile cross-origin page (core + webform services)', () => {
  let core: RunningCore | undefined;
  let webform: RunningWebform | undefined;
  let webformPort = 0;
  let admin: ApiClient;
  let pageServer: Server | undefined;
  let pageOrigin = '';
  let browser: Browser | undefined;
  let page: Page;
  let form: { id: string; key: string } | undefined;
  const pageErrors: string[] = [];
  /** Every POST to the form's submissions endpoint the page made, with its answer (0: no answer). */
  const submissions: { status: number }[] = [];

  const host = (): Locator => page.locator(`[data-switchboard-form="${form!.key}"]`);
  /** An element of the widget by its `data-sb` hook (Playwright's CSS locators pierce the open shadow root). */
  const sb = (hook: string): Locator => host().locator(`[data-sb="${hook}"]`);

  /** What has the focus: the `data-sb` hook (or aria-label / tag) of the shadow root's active element. */
  const focused = (): Promise<string | null> =>
    page.evaluate((key) => {
      const doc = (globalThis as any).document;
      const el = doc.querySelector(`[data-switchboard-form="${key}"]`);
      if (!el || doc.activeElement !== el) return doc.activeElement ? `page:${String(doc.activeElement.tagName).toLowerCase()}` : null;
      const active = el.shadowRoot.activeElement;
      if (!active) return null;
      return active.getAttribute('data-sb') ?? active.getAttribute('aria-label') ?? String(active.tagName).toLowerCase();
    }, form!.key);

  const ticketCount = async (): Promise<number> => (await core!.ds.query(`SELECT count(*)::int AS n FROM tickets`))[0].n;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium is not at ${CHROMIUM_PATH}; the browser tests need it. Install it with ` +
          '`apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.',
      );
    }
    core = await startCore();
    await resetState(core);
    await deleteKeys(core.redis, `${core.config.QUEUE_PREFIX}:webform-rate-*`);
    webform = await startWebform(WEBFORM_OVERRIDES);
    webformPort = Number(new URL(webform.url).port);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);

    // The host page lives on its own origin (another port), so every call the widget makes is cross-origin.
    const key = `browser-${randomUUID().slice(0, 8)}`;
    const html = hostPage(`${webform.url}/widget.js`, key);
    pageServer = createServer((req, res) => {
      if (req.url === '/' || req.url === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => pageServer!.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    form = await createForm(admin, key, { allowedOrigins: [pageOrigin], filesAllowed: true });

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('requestfinished', (req) => {
      if (req.method() === 'POST' && req.url().endsWith(`/forms/${key}/submissions`)) {
        void req.response().then((res) => submissions.push({ status: res?.status() ?? 0 }));
      }
    });
    page.on('requestfailed', (req) => {
      if (req.method() === 'POST' && req.url().endsWith(`/forms/${key}/submissions`)) submissions.push({ status: 0 });
    });
    await page.goto(`${pageOrigin}/`);
  }, STEP_MS);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
    if (form && admin) await admin.delete(`/webforms/${form.id}`);
    await webform?.close();
    await core?.close();
  }, STEP_MS);

  it(
    'shows exactly one launcher, which the page’s CSS can neither hide nor shrink',
    async () => {
      // The script tag is on the page twice: both copies load and run, one form is mounted.
      expect(await page.evaluate((key) => (globalThis as any).SwitchboardWebform.forms[key].ready, form!.key)).toBe(true);
      expect(await page.locator('script[data-form]').count()).toBe(2);
      expect(await page.locator('[data-switchboard-form]').count()).toBe(1);
      expect(await page.locator('[data-sb="launcher"]').count()).toBe(1);

      // The hostile rules are in force on the page itself…
      expect(await page.locator('#page-button').isVisible()).toBe(false);
      expect(await page.locator('#page-input').evaluate((el: any) => el.ownerDocument.defaultView.getComputedStyle(el).width)).toBe('3px');

      // …but not in the widget.
      const launcher = sb('launcher');
      expect(await launcher.isVisible()).toBe(true);
      expect(await launcher.textContent()).toContain('Contact us');
      const box = (await launcher.boundingBox())!;
      expect(box.width).toBeGreaterThan(40);
      expect(box.height).toBe(48);
      // In the bottom-right corner of the 1280×800 viewport, 20 px from the edges.
      expect(Math.round(box.x + box.width)).toBe(1260);
      expect(Math.round(box.y + box.height)).toBe(780);
      const style = await launcher.evaluate((el: any) => {
        const cs = el.ownerDocument.defaultView.getComputedStyle(el);
        return { display: cs.display, visibility: cs.visibility, fontSize: cs.fontSize, color: cs.color, boxSizing: cs.boxSizing, icon: el.querySelector('svg').getBoundingClientRect().width };
      });
      // (inline-flex in the stylesheet; a fixed element's display computes to its block form)
      expect(style).toEqual({ display: 'flex', visibility: 'visible', fontSize: '15px', color: 'rgb(255, 255, 255)', boxSizing: 'border-box', icon: 22 });
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      // The launcher is the topmost element at its centre: nothing of the page covers it.
      expect(
        await page.evaluate(
          ({ x, y }) => {
            const doc = (globalThis as any).document;
            const top = doc.elementFromPoint(x, y);
            return top?.shadowRoot?.elementFromPoint(x, y)?.closest('[data-sb]')?.getAttribute('data-sb') ?? null;
          },
          { x: box.x + box.width / 2, y: box.y + box.height / 2 },
        ),
      ).toBe('launcher');
    },
    STEP_MS,
  );

  it(
    'opens the dialog; an empty submit shows the shared messages beside the fields and sends nothing',
    async () => {
      await sb('launcher').click();
      const panel = sb('panel');
      expect(await panel.isVisible()).toBe(true);
      expect(await panel.getAttribute('role')).toBe('dialog');
      expect(await panel.getAttribute('aria-modal')).toBe('true');
      expect(await sb('launcher').getAttribute('aria-expanded')).toBe('true');
      // Layout sizes, not the bounding box: the panel is still in its opening animation (scaled).
      expect(await panel.evaluate((el: any) => [el.offsetWidth, el.ownerDocument.defaultView.getComputedStyle(el).display])).toEqual([384, 'flex']);
      expect((await sb('field-name').boundingBox())!.width).toBeGreaterThan(300);
      expect(await sb('field-message').evaluate((el: any) => el.ownerDocument.defaultView.getComputedStyle(el).fontSize)).toBe('14px');
      expect(await focused()).toBe('field-name');
      // The widget asked for a fill session when it opened.
      await waitFor('the fill session', async () => (await page.evaluate(() => (globalThis as any).performance.getEntriesByType('resource').some((e: any) => e.name.endsWith('/sessions')))) as boolean);

      await sb('submit').click();
      expect(await sb('error-name').textContent()).toBe('This field is required.');
      expect(await sb('error-message').textContent()).toBe('This field is required.');
      expect(await sb('error-email').textContent()).toBe('Leave an e-mail or a phone number so we can answer you.');
      expect(await sb('error-phone').textContent()).toBe('Leave an e-mail or a phone number so we can answer you.');
      expect(await sb('error-topic').textContent()).toBe('');
      for (const name of ['name', 'email', 'phone', 'message']) expect(await sb(`field-${name}`).getAttribute('aria-invalid')).toBe('true');
      expect(await sb('field-topic').getAttribute('aria-invalid')).toBeNull();
      expect(await sb('status').textContent()).toBe('Please correct the highlighted fields.');
      expect(await focused()).toBe('field-name');

      // Each message sits right under its own field and is tied to it for screen readers.
      const input = (await sb('field-name').boundingBox())!;
      const error = (await sb('error-name').boundingBox())!;
      expect(error.y).toBeGreaterThanOrEqual(input.y + input.height);
      expect(error.y - (input.y + input.height)).toBeLessThan(12);
      expect(Math.round(error.x)).toBe(Math.round(input.x));
      expect(await sb('field-name').getAttribute('aria-describedby')).toBe(await sb('error-name').getAttribute('id'));
      expect(
        await sb('error-name').evaluate((el: any) => el.ownerDocument.defaultView.getComputedStyle(el).color),
      ).not.toBe('rgb(255, 0, 0)');

      expect(submissions).toEqual([]);
      expect(await ticketCount()).toBe(0);
    },
    STEP_MS,
  );

  it(
    'closes on Escape and gives the focus back to the launcher',
    async () => {
      await page.keyboard.press('Escape');
      expect(await sb('panel').isHidden()).toBe(true);
      expect(await sb('launcher').getAttribute('aria-expanded')).toBe('false');
      expect(await focused()).toBe('launcher');
    },
    STEP_MS,
  );

  const firstMessage = 'The printer says PC LOAD LETTER\nIt happens every morning.\n\nModel X-200.';

  it(
    'reopens with the messages kept, and clears each one (and the form’s) as the fields get fixed',
    async () => {
      await sb('launcher').click();
      expect(await sb('panel').isVisible()).toBe(true);
      expect(await focused()).toBe('field-name');
      expect(await sb('error-name').textContent()).toBe('This field is required.');

      // An e-mail answers the "e-mail or phone" rule for both fields, the empty phone included.
      await sb('field-email').fill('ann.browser@example.com');
      for (const name of ['email', 'phone']) {
        expect(await sb(`error-${name}`).textContent()).toBe('');
        expect(await sb(`field-${name}`).getAttribute('aria-invalid')).toBeNull();
      }
      expect(await sb('field-name').getAttribute('aria-invalid')).toBe('true');
      expect(await sb('status').textContent()).toBe('Please correct the highlighted fields.');

      await sb('field-name').fill('Ann Browser');
      await sb('field-topic').selectOption('Technical problem');
      await sb('field-message').fill(firstMessage);
      await sb('field-consent').check();
      for (const name of ['name', 'email', 'phone', 'topic', 'message', 'consent']) {
        expect(await sb(`field-${name}`).getAttribute('aria-invalid')).toBeNull();
        expect(await sb(`error-${name}`).textContent()).toBe('');
      }
      expect(await sb('status').textContent()).toBe('');
    },
    STEP_MS,
  );

  it(
    'keeps Tab and Shift+Tab inside the open dialog',
    async () => {
      await sb('field-name').focus();
      const walk: (string | null)[] = [];
      for (let i = 0; i < 9; i++) {
        await page.keyboard.press('Tab');
        walk.push(await focused());
      }
      // After the send button (the last one) comes the close button (the first one) again.
      expect(walk).toEqual(['field-email', 'field-phone', 'field-topic', 'field-message', 'field-consent', 'files', 'submit', 'close', 'field-name']);

      await sb('close').focus();
      await page.keyboard.press('Shift+Tab');
      expect(await focused()).toBe('submit');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('close');
      // Walking through the fields flagged nothing.
      expect(await host().locator('[aria-invalid="true"]').count()).toBe(0);
    },
    STEP_MS,
  );

  it(
    'sends the form with a file and shows the ticket number; the ticket has the title, the lines and the file',
    async () => {
      const message = firstMessage;
      await sb('files').setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: PNG });
      expect(await host().locator('[aria-label="Attached files"] li').allTextContents()).toEqual([`screen.png${PNG.length} B`]);
      expect(await sb('files-error').textContent()).toBe('');
      // The open form, filled, for a look: /tmp/webform-widget.png.
      await host().locator('[aria-label="Attached files"]').scrollIntoViewIfNeeded();

      await page.screenshot({ path: SCREENSHOT });

      await sb('submit').click();
      await sb('success').waitFor({ state: 'visible', timeout: 20_000 });
      const text = (await sb('success').locator('p').textContent())!;
      expect(text).toMatch(/^Thank you! Your request number is \d+\.$/);
      const number = Number(/(\d+)/.exec(text)![1]);
      expect(await sb('submit').isHidden()).toBe(true);
      expect(await focused()).toBe('p');
      expect(submissions).toEqual([{ status: 201 }]);

      const tickets = await core!.ds.query(`SELECT id, number::int AS number, subject, registration_channel::text AS channel FROM tickets`);
      expect(tickets).toEqual([{ id: expect.any(String), number, subject: 'The printer says PC LOAD LETTER', channel: 'webform' }]);
      const messages = await core!.ds.query(`SELECT text FROM messages WHERE ticket_id = $1`, [tickets[0].id]);
      expect(messages).toEqual([
        {
          text: [
            'Your name: Ann Browser',
            'E-mail: ann.browser@example.com',
            'Topic: Technical problem',
            `Message: ${message}`,
            'I agree to be contacted: Yes',
          ].join('\n'),
        },
      ]);
      const attachments = await core!.ds.query(`SELECT filename, content_type, size FROM attachments WHERE ticket_id = $1`, [tickets[0].id]);
      expect(attachments).toEqual([{ filename: 'screen.png', content_type: 'image/png', size: PNG.length }]);
    },
    STEP_MS,
  );

  it(
    'keeps what was typed and attached while the service is down, and makes one ticket once it is back',
    async () => {
      const sessionOpened = page.waitForResponse((res) => res.url().endsWith(`/forms/${form!.key}/sessions`) && res.status() === 201);
      await sb('success').getByRole('button', { name: 'Send another request' }).click();
      await sessionOpened;
      expect(await sb('submit').isVisible()).toBe(true);
      expect(await sb('field-name').inputValue()).toBe('');
      expect(await host().locator('[aria-label="Attached files"] li').count()).toBe(0);
      expect(await focused()).toBe('field-name');

      const message = 'Second request\nSent while the service was restarting.';
      await sb('field-name').fill('Bo Browser');
      await sb('field-email').fill('bo.browser@example.com');
      await sb('field-message').fill(message);
      await sb('files').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('line one\nline two\n') });

      await webform!.close();
      webform = undefined;
      submissions.length = 0;
      await sb('submit').click();
      await waitFor('the network failure message', async () => (await sb('status').textContent())?.startsWith('Could not send your request'), 15_000);
      expect(await sb('status').textContent()).toBe('Could not send your request. Check your connection and try again.');
      expect(await sb('field-name').inputValue()).toBe('Bo Browser');
      expect(await sb('field-email').inputValue()).toBe('bo.browser@example.com');
      expect(await sb('field-message').inputValue()).toBe(message);
      expect(await host().locator('[aria-label="Attached files"] li .fn').allTextContents()).toEqual(['notes.txt']);
      expect(await sb('submit').isEnabled()).toBe(true);
      expect(await sb('submit').getAttribute('aria-disabled')).toBeNull();
      expect(await sb('submit').getAttribute('aria-busy')).toBeNull();
      expect(await sb('submit').textContent()).toBe('Send');
      expect(await sb('panel').isVisible()).toBe(true);
      expect(await ticketCount()).toBe(1);

      webform = await startWebform(WEBFORM_OVERRIDES, webformPort);
      await sb('submit').click();
      await sb('success').waitFor({ state: 'visible', timeout: 20_000 });
      const number = Number(/(\d+)/.exec((await sb('success').locator('p').textContent())!)![1]);
      expect(submissions).toEqual([{ status: 0 }, { status: 201 }]);

      const mine = await core!.ds.query(`SELECT id, number::int AS number FROM tickets WHERE subject = 'Second request'`);
      expect(mine).toEqual([{ id: expect.any(String), number }]);
      expect(await core!.ds.query(`SELECT filename, size FROM attachments WHERE ticket_id = $1`, [mine[0].id])).toEqual([
        { filename: 'notes.txt', size: 'line one\nline two\n'.length },
      ]);
      // Nothing arrives late either: still two tickets, each with its one message.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await core!.ds.query(`SELECT count(*)::int AS tickets, (SELECT count(*)::int FROM messages) AS messages FROM tickets`)).toEqual([
        { tickets: 2, messages: 2 },
      ]);
      expect(pageErrors).toEqual([]);
    },
    STEP_MS,
  );
});
