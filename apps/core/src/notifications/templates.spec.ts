import { NOTIFICATION_TEMPLATE_DEFAULTS, StatusKind } from '@switchboard/db';
import { updateNotificationTemplateSchema } from './notification-templates.schemas.js';
import { renderTemplate, sampleContext, templateProblem } from './templates.js';

const texts = (channel: string) =>
  Object.fromEntries(NOTIFICATION_TEMPLATE_DEFAULTS.filter((t) => t.channel === channel).map((t) => [t.key, { subject: t.subject, bodyText: t.bodyText, bodyHtml: null }]));
const defaults = { ...texts('telegram'), ...texts('email') };
const smsDefaults = texts('sms');

describe('notification templates: rendering', () => {
  it('renders the acknowledgement with the number, the subject and the contact', () => {
    const out = renderTemplate(defaults.ticket_created, sampleContext(StatusKind.Open));
    expect(out.subject).toBe('We have received your request [#1042]: Printer is on fire');
    expect(out.text).toBe(
      'Hello Ann Customer,\n\nWe have received your request [#1042] "Printer is on fire" and will get back to you as soon as possible.\n\n' +
        'To add anything, simply reply to this e-mail and keep [#1042] in the subject.\n\nThis is an automatic message.',
    );
    expect(out.html).toBeUndefined();
  });

  it('greets without a name when the contact has none', () => {
    expect(renderTemplate(defaults.ticket_created, sampleContext(StatusKind.Open, { contactName: '' })).text).toMatch(/^Hello,\n/);
  });

  it('words the status notice by the new status kind', () => {
    const render = (kind: StatusKind) => renderTemplate(defaults.status_changed, sampleContext(kind));
    expect(render(StatusKind.Resolved).subject).toBe('Your request [#1042] has been resolved: Printer is on fire');
    expect(render(StatusKind.Resolved).text).toContain('We consider your request [#1042] "Printer is on fire" resolved.');
    expect(render(StatusKind.Closed).subject).toBe('Your request [#1042] has been closed: Printer is on fire');
    expect(render(StatusKind.Pending).text).toContain('we need some more information from you');
    expect(render(StatusKind.OnHold).subject).toBe('Your request [#1042] is on hold: Printer is on fire');
    expect(render(StatusKind.Open).text).toContain('is now: Open.');
    // The {{#if}} lines leave no blank lines behind.
    expect(render(StatusKind.Resolved).text).not.toMatch(/\n{3,}/);
    expect(render(StatusKind.Resolved).text.split('\n')[2]).toMatch(/^We consider/);
  });

  it('words the SMS status notice by kind, short enough for one GSM-7 segment', () => {
    const render = (kind: StatusKind) => renderTemplate(smsDefaults.status_changed, sampleContext(kind));
    expect(render(StatusKind.Resolved)).toEqual({ subject: 'Request #1042: Resolved', text: 'Your request #1042 has been resolved. Reply to this SMS to reopen it.' });
    expect(render(StatusKind.Closed).text).toBe('Your request #1042 has been closed.');
    expect(render(StatusKind.Pending).text).toBe('We need more information about your request #1042. Please reply to this SMS.');
    expect(render(StatusKind.OnHold).text).toBe('Your request #1042 is on hold. We will get back to you.');
    expect(render(StatusKind.Open).text).toBe('Your request #1042 is now: Open.');
    for (const kind of Object.values(StatusKind)) {
      const ctx = sampleContext(kind);
      ctx.ticket.number = 10 ** 15;
      const { text } = renderTemplate(smsDefaults.status_changed, ctx);
      // GSM 03.38 basic characters only (the sample's status name aside), within 160 of them.
      expect(text).toMatch(/^[A-Za-z0-9 #.:,]+$/);
      expect(text.length).toBeLessThanOrEqual(160);
    }
  });

  it('does not escape text, escapes values in HTML', () => {
    const ctx = sampleContext();
    ctx.ticket.subject = 'Tom & Jerry <script>';
    const out = renderTemplate({ subject: '{{ticket.subject}}', bodyText: 'About {{ticket.subject}}', bodyHtml: '<p>About {{ticket.subject}}</p>' }, ctx);
    expect(out.subject).toBe('Tom & Jerry <script>');
    expect(out.text).toBe('About Tom & Jerry <script>');
    expect(out.html).toBe('<p>About Tom &amp; Jerry &lt;script&gt;</p>');
  });

  it('keeps the subject on one line and falls back to the ticket subject when it renders empty', () => {
    const ctx = sampleContext();
    expect(renderTemplate({ subject: 'Re:\n  {{ticket.subject}}\n', bodyText: 'x', bodyHtml: null }, ctx).subject).toBe('Re: Printer is on fire');
    expect(renderTemplate({ subject: '{{company.name}}', bodyText: 'x', bodyHtml: null }, sampleContext(StatusKind.Open, { companyName: '' })).subject).toBe(
      'Printer is on fire',
    );
  });

  it('compares with eq, e.g. on a custom status key', () => {
    const ctx = sampleContext(StatusKind.Pending);
    ctx.ticket.statusKey = 'waiting_parts';
    const t = { subject: 's', bodyText: '{{#if (eq ticket.statusKey "waiting_parts")}}parts{{else}}other{{/if}}', bodyHtml: null };
    expect(renderTemplate(t, ctx).text).toBe('parts');
  });
});

describe('notification templates: checking', () => {
  it('accepts the seeded defaults', () => {
    for (const t of NOTIFICATION_TEMPLATE_DEFAULTS) {
      expect(templateProblem(t.subject)).toBeUndefined();
      expect(templateProblem(t.bodyText)).toBeUndefined();
    }
  });

  it('reports a syntax error in the parser’s words', () => {
    expect(templateProblem('Hello {{#if contact.name}}{{contact.name}}')).toMatch(/^Parse error on line 1:[\s\S]*Expecting/);
    expect(templateProblem('{{ticket.number')).toMatch(/Parse error/);
    expect(templateProblem('{{#if status.resolved}}x{{/unless}}')).toMatch(/if doesn't match unless/);
  });

  it('refuses unknown placeholders, wherever they are', () => {
    expect(templateProblem('{{ticket.numbr}}')).toMatch(/^unknown placeholder \{\{ticket.numbr\}\} \(line 1, column 3\); available: ticket.number, /);
    expect(templateProblem('{{#if status.solved}}x{{/if}}')).toMatch(/unknown placeholder \{\{status.solved\}\}/);
    expect(templateProblem('{{#if status.closed}}{{else}}{{agent.name}}{{/if}}')).toMatch(/unknown placeholder \{\{agent.name\}\}/);
    expect(templateProblem('{{ticket}}')).toMatch(/use one of its fields, e.g. \{\{ticket.number\}\}/);
    expect(templateProblem('{{../ticket.number}}')).toMatch(/points above/);
    expect(templateProblem('{{@root.ticket.numbr}}')).toMatch(/unknown placeholder/);
  });

  it('refuses unknown helpers, partials and decorators', () => {
    expect(templateProblem('{{uppercase ticket.subject}}')).toMatch(/^unknown helper "uppercase"/);
    expect(templateProblem('{{#each (split ticket.subject)}}{{/each}}')).toMatch(/unknown helper "split"/);
    expect(templateProblem('{{> footer}}')).toMatch(/partials/);
    expect(templateProblem('{{eq ticket.number}}')).toMatch(/eq takes two values/);
  });

  it('accepts the usual constructs', () => {
    expect(templateProblem('{{#with contact}}{{name}}{{/with}} {{#unless status.closed}}open{{/unless}} {{lookup ticket "number"}} {{!-- note --}} {{{ticket.subject}}}')).toBeUndefined();
    expect(templateProblem('{{@root.ticket.number}}')).toBeUndefined();
  });

  it('makes a broken template a validation error of its field', () => {
    const r = updateNotificationTemplateSchema.safeParse({ subject: 'ok {{ticket.number}}', bodyText: 'Hi {{#if x}}' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message.split('\n')[0]])).toEqual([['bodyText', 'Parse error on line 1:']]);
    expect(updateNotificationTemplateSchema.safeParse({ bodyHtml: '<p>{{contact.name}}</p>', statusKinds: ['resolved', 'closed', 'resolved'] }).data).toEqual({
      bodyHtml: '<p>{{contact.name}}</p>',
      statusKinds: ['resolved', 'closed'],
    });
    expect(updateNotificationTemplateSchema.safeParse({ subject: '  ' }).success).toBe(false);
    expect(updateNotificationTemplateSchema.safeParse({ statusKinds: ['solved'] }).success).toBe(false);
  });
});
