import { separatorText } from './markers.js';
import { extractReply } from './reply-text.js';

const lines = (...l: string[]) => l.join('\n');

describe('extractReply', () => {
  it('takes the text above our separator, without the attribution line', () => {
    const text = lines(
      'Works now, thanks!',
      '',
      'On Mon, 3 Mar 2025 at 10:00, Acme Support <help@support.example.com> wrote:',
      '',
      `> ${separatorText(12)}`,
      '>',
      '> Please restart the router.',
    );
    expect(extractReply(text)).toEqual({ reply: 'Works now, thanks!', full: text, method: 'separator' });
  });

  it('strips an Outlook header block above the separator', () => {
    const text = lines(
      'Done.',
      '',
      'From: Acme Support <help@support.example.com>',
      'Sent: Monday, March 3, 2025 10:05 AM',
      'To: Ann <ann@example.org>',
      'Subject: [#12] Router',
      '',
      separatorText(12),
      'Please restart the router.',
    );
    expect(extractReply(text)).toMatchObject({ reply: 'Done.', method: 'separator' });
  });

  it.each([
    ['Gmail', lines('Thanks!', '', 'On Mon, Mar 10, 2025 at 3:55 PM Support <help@support.example.com> wrote:', '', '> old', '> older')],
    ['Gmail, wrapped', lines('Thanks!', '', 'On Mon, Mar 10, 2025 at 3:55 PM Support Team with a long name <', 'help@support.example.com> wrote:', '', '> old')],
    ['German', lines('Thanks!', '', 'Am 03.03.2025 um 10:00 schrieb Support <help@support.example.com>:', '> alt')],
    ['Thunderbird German', lines('Thanks!', '', 'Am 17.03.25 um 16:20 schrieb Acme Support:', '> alt')],
    ['Russian', lines('Thanks!', '', '3 марта 2025 г., в 10:00, Support <help@support.example.com> пишет:', '> старый текст')],
    ['Russian, написал(а)', lines('Thanks!', '', 'Понедельник, 3 марта 2025, 10:00 +03:00 от Support <help@support.example.com> написал(а):', '> старый')],
    ['Outlook', lines('Thanks!', '', '-----Original Message-----', 'From: Support <help@support.example.com>', 'Sent: Monday', '', 'old')],
    ['Outlook without address', lines('Thanks!', '', 'From: Support Team', 'Sent: Monday, March 3, 2025 10:00 AM', 'To: Ann', 'Subject: RE: x', '', 'old')],
    ['Outlook with a ruler', lines('Thanks!', '', '________________________________', 'From: Support Team', 'Sent: Monday', '', 'old')],
    ['Outlook, bold labels', lines('Thanks!', '', '*From:* Support <help@support.example.com>', '*Sent:* Monday', '', 'old')],
    ['Outlook, German', lines('Thanks!', '', 'Von: Support <help@support.example.com>', 'Gesendet: Montag, 3. März 2025 10:00', '', 'alt')],
    ['Outlook, Russian', lines('Thanks!', '', 'От: Support <help@support.example.com>', 'Отправлено: 3 марта 2025 г. 10:00', '', 'старый')],
    ['bare quotes', lines('Thanks!', '', '> old', '> older')],
    ['an iPhone signature', lines('Thanks!', '', 'Sent from my iPhone')],
    ['a dash-dash signature', lines('Thanks!', '', '-- ', 'Ann Example', 'Example Ltd.')],
  ])('strips quoted history: %s', (_, text) => {
    expect(extractReply(text)).toEqual({ reply: 'Thanks!', full: text.replace(/[ \t]+$/gm, ''), method: 'quote-stripping' });
  });

  it('keeps a text without quotes as it is', () => {
    const text = 'My printer is broken.\n\nIt shows error 42.';
    expect(extractReply(text)).toEqual({ reply: text, full: text, method: 'none' });
  });

  it('keeps answers written between quoted lines whole', () => {
    const text = lines('> Which browser?', 'Firefox.', '> Private mode too?', 'Yes.');
    expect(extractReply(text)).toMatchObject({ reply: text, method: 'none' });
  });

  it('keeps a bottom-posted answer', () => {
    expect(extractReply(lines('> old question', '', 'My answer below')).reply).toBe('My answer below');
  });

  it('keeps forwarded mails whole', () => {
    const gmail = lines('Please look at this:', '', '---------- Forwarded message ---------', 'From: Bank <alerts@bank.example>', 'Date: Mon', '', 'Unusual login.');
    expect(extractReply(gmail)).toMatchObject({ reply: gmail, method: 'none' });
    const apple = lines('FYI', '', 'Begin forwarded message:', '', 'From: Bank <alerts@bank.example>', 'Subject: Login', '', 'Unusual login.');
    expect(extractReply(apple)).toMatchObject({ reply: apple, method: 'none' });
    const bySubject = lines('See below', '', 'From: Bank <alerts@bank.example>', 'Sent: Monday', '', 'Unusual login.');
    expect(extractReply(bySubject, { subject: 'FW: Login alert' })).toMatchObject({ reply: bySubject, method: 'none' });
    expect(extractReply(bySubject, { subject: 'Re: Login alert' })).toMatchObject({ reply: 'See below', method: 'quote-stripping' });
  });

  it('never returns an empty reply for a mail with text', () => {
    for (const text of ['> only quoted', 'Sent from my iPhone', '-- \nonly a signature', lines('On Mon, Support <a@b.example> wrote:', '> x')]) {
      const { reply, method } = extractReply(text);
      expect(reply).not.toBe('');
      expect(method).toBe('none');
    }
    expect(extractReply(`${separatorText(3)}\nold`).reply).not.toBe('');
  });

  it('handles empty input and normalises line endings', () => {
    expect(extractReply(undefined)).toEqual({ reply: '', full: '', method: 'none' });
    expect(extractReply('  \r\n ')).toEqual({ reply: '', full: '', method: 'none' });
    expect(extractReply('Thanks!  \r\n\r\n> old\r\n')).toEqual({ reply: 'Thanks!', full: 'Thanks!\n\n> old', method: 'quote-stripping' });
  });

  it('stays fast on a huge single line and keeps it intact', () => {
    const line = `On ${'a b <c> '.repeat(125_000)} wrote:`;
    const text = `Log:\n${line}\n\n> quoted`;
    const started = Date.now();
    const { reply } = extractReply(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reply).toBe(`Log:\n${line}`);
  });

  it('stays fast on many long lines', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `On line ${i} ${'word <x> '.repeat(60)}`).join('\n');
    const started = Date.now();
    extractReply(text);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
