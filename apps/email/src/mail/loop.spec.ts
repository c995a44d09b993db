import { classifyAutomation, type AutomationSource } from './loop.js';
import { parseMail } from './parse.js';

const person: AutomationSource = {
  headers: {},
  from: { address: 'ann@example.org', name: 'Ann' },
  subject: 'Printer broken',
  isReport: false,
};

const verdict = (changes: Partial<AutomationSource>) => classifyAutomation({ ...person, ...changes });

describe('classifyAutomation', () => {
  it('lets a person through', () => {
    expect(classifyAutomation(person)).toEqual({ autoSubmitted: false, reasons: [], isBounce: false });
    expect(verdict({ headers: { 'auto-submitted': ['no'] } }).autoSubmitted).toBe(false);
    expect(verdict({ headers: { 'auto-submitted': ['No (manual)'] } }).autoSubmitted).toBe(false);
    expect(verdict({ headers: { precedence: ['first-class'] } }).autoSubmitted).toBe(false);
    expect(verdict({ headers: { 'x-auto-response-suppress': ['None'] } }).autoSubmitted).toBe(false);
    expect(verdict({ subject: 'Re: automatic replies do not work' }).autoSubmitted).toBe(false);
  });

  it.each([
    [{ 'auto-submitted': ['auto-replied'] }, 'auto-submitted: auto-replied'],
    [{ 'auto-submitted': ['auto-generated; owner-email="x@example.org"'] }, 'auto-submitted: auto-generated'],
    [{ precedence: ['bulk'] }, 'precedence: bulk'],
    [{ precedence: ['Junk'] }, 'precedence: junk'],
    [{ precedence: ['list'] }, 'precedence: list'],
    [{ 'x-precedence': ['auto_reply'] }, 'precedence: auto_reply'],
    [{ 'x-auto-response-suppress': ['All'] }, 'x-auto-response-suppress: all'],
    [{ 'x-loop': ['help@support.example.com'] }, 'x-loop'],
    [{ 'list-id': ['<users.lists.example.org>'] }, 'mailing list: list-id'],
    [{ 'list-unsubscribe': ['<mailto:leave@lists.example.org>'] }, 'mailing list: list-unsubscribe'],
    [{ 'x-autoreply': ['yes'] }, 'x-autoreply'],
    [{ 'x-autorespond': ['vacation'] }, 'x-autorespond'],
    [{ 'x-ms-exchange-generated-message-source': ['Mailbox Rules Agent'] }, 'exchange: generated message'],
    [{ 'x-ms-exchange-inbox-rules-loop': ['ann@example.org'] }, 'exchange: inbox rule'],
    [{ 'return-path': ['<>'] }, 'return-path: <>'],
  ])('flags the headers %j', (headers, reason) => {
    expect(verdict({ headers })).toEqual({ autoSubmitted: true, reasons: [reason], isBounce: false });
  });

  it.each([
    ['mailer-daemon@mx.example.com', 'sender: mailer-daemon', 'bounce'],
    ['Postmaster@example.com', 'sender: postmaster', 'bounce'],
    ['noreply@example.com', 'sender: no-reply'],
    ['no-reply@example.com', 'sender: no-reply'],
    ['no_reply@example.com', 'sender: no-reply'],
    ['do-not-reply@example.com', 'sender: no-reply'],
    ['donotreply@example.com', 'sender: no-reply'],
    ['noreply-billing@example.com', 'sender: no-reply'],
  ])('flags the sender %s', (address, ...reasons) => {
    expect(verdict({ from: { address: address.toLowerCase(), name: '' } }).reasons).toEqual(reasons);
  });

  it('does not flag senders that merely look alike', () => {
    for (const address of ['noreen@example.com', 'reply@example.com', 'postmaster.general@example.com']) {
      expect(verdict({ from: { address, name: '' } }).autoSubmitted).toBe(false);
    }
  });

  it.each([
    'Automatic reply: [#7] Contract',
    'Auto-Reply: Out of office',
    'Out of Office: Hello',
    'Autosvar: Hello',
    'Automatische Antwort: Rechnung',
    'Abwesenheitsnotiz: Ihre Anfrage',
    'Réponse automatique : Bonjour',
    'Автоответ: Заявка',
    'Автоматический ответ: Заявка',
  ])('flags the auto-reply subject %j', (subject) => {
    expect(verdict({ subject }).reasons).toEqual(['subject: auto-reply']);
  });

  it('flags reports and bounces', () => {
    expect(verdict({ isReport: true, report: { type: 'disposition-notification' } })).toEqual({
      autoSubmitted: true,
      reasons: ['report: disposition-notification'],
      isBounce: false,
    });
    const bounce = verdict({ isReport: true, report: { type: 'delivery-status' }, bounce: { action: 'failed' } });
    expect(bounce).toEqual({ autoSubmitted: true, reasons: ['report: delivery-status', 'bounce'], isBounce: true });
  });

  it('reads the bounce itself when it was not parsed yet', () => {
    const v = verdict({ from: { address: 'mailer-daemon@mx.example.com', name: '' }, subject: 'failure notice' });
    expect(v).toEqual({ autoSubmitted: true, reasons: ['sender: mailer-daemon', 'bounce'], isBounce: true });
  });

  it('works on a parsed mail', async () => {
    const raw = Buffer.from(
      [
        'From: Sam <sam@example.com>',
        'To: help@support.example.com',
        'Subject: Automatic reply: Hello',
        'Auto-Submitted: auto-replied',
        'X-Auto-Response-Suppress: All',
        'Message-ID: <ooo@example.com>',
        '',
        'I am away.',
        '',
      ].join('\r\n'),
    );
    const parsed = await parseMail(raw, { maxAttachmentBytes: 1000, maxTextChars: 1000 });
    expect(classifyAutomation(parsed)).toEqual({
      autoSubmitted: true,
      reasons: ['auto-submitted: auto-replied', 'x-auto-response-suppress: all', 'subject: auto-reply'],
      isBounce: false,
    });
  });
});
