import {
  createMailboxSchema,
  hostProblem,
  listMailboxesQuerySchema,
  mailboxRuleIssues,
  markerFormatProblem,
  updateMailboxSchema,
} from './mailboxes.schemas.js';

const minimal = (extra: Record<string, unknown> = {}) => ({
  name: 'Support',
  address: 'support@example.com',
  imapHost: 'imap.example.com',
  imapUser: 'support@example.com',
  imapSecret: 'imap password',
  smtpHost: 'smtp.example.com',
  ...extra,
});

/** The issues by path. */
function issues(schema: typeof createMailboxSchema | typeof updateMailboxSchema, body: unknown): Record<string, string> {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return Object.fromEntries(result.error.issues.map((i) => [i.path.map(String).join('.'), i.message]));
}

describe('createMailboxSchema', () => {
  it('fills the defaults, normalises the address and host names, and keeps secrets as given', () => {
    expect(createMailboxSchema.parse(minimal({ address: ' Support@Example.COM ', imapHost: 'IMAP.Example.com', imapSecret: ' pa ss ' }))).toEqual({
      name: 'Support',
      address: 'support@example.com',
      displayName: null,
      imapHost: 'imap.example.com',
      imapPort: 993,
      imapTls: true,
      imapUser: 'support@example.com',
      imapAuth: 'password',
      imapSecret: ' pa ss ',
      folder: 'INBOX',
      processedAction: 'flag',
      processedFolder: null,
      smtpHost: 'smtp.example.com',
      smtpPort: 587,
      smtpSecurity: 'starttls',
      smtpUser: null,
      smtpSecret: null,
      markerFormat: '[#{number}]',
      createContacts: true,
      maxAttachmentBytes: 10 * 1024 * 1024,
      enabled: true,
    });
  });

  it('picks the usual port for the connection when none is given', () => {
    const parse = (extra: Record<string, unknown>) => createMailboxSchema.parse(minimal(extra));
    expect(parse({ imapTls: false }).imapPort).toBe(143);
    expect(parse({ smtpSecurity: 'tls' }).smtpPort).toBe(465);
    expect(parse({ smtpSecurity: 'none' }).smtpPort).toBe(25);
    expect(parse({ imapTls: false, imapPort: 1143, smtpSecurity: 'tls', smtpPort: 2465 })).toMatchObject({ imapPort: 1143, smtpPort: 2465 });
  });

  it('refuses bad host names, ports and addresses with messages that say why', () => {
    expect(
      issues(
        createMailboxSchema,
        minimal({ address: 'support', imapHost: 'imaps://imap.example.com', imapPort: 0, smtpHost: 'smtp.example.com:587', smtpPort: 70000 }),
      ),
    ).toEqual({
      address: '"support" is not a valid e-mail address: expected name@domain',
      imapHost: 'write only the host name, without a scheme such as imaps://',
      imapPort: 'must be a port number from 1 to 65535',
      smtpHost: 'write the port in its own field, not after the host name',
      smtpPort: 'must be a port number from 1 to 65535',
    });
    expect(issues(createMailboxSchema, minimal({ imapHost: 'bad host!', imapPort: 993.5, smtpPort: '587' }))).toEqual({
      imapHost: 'must be a host name such as mail.example.com, or an IP address',
      imapPort: 'must be a port number from 1 to 65535',
      smtpPort: 'must be a port number from 1 to 65535',
    });
  });

  it('accepts IP addresses and single-label names, and drops the brackets of an IPv6 address', () => {
    expect(createMailboxSchema.parse(minimal({ imapHost: '127.0.0.1', smtpHost: '[::1]' }))).toMatchObject({ imapHost: '127.0.0.1', smtpHost: '::1' });
    expect(createMailboxSchema.parse(minimal({ imapHost: 'localhost', smtpHost: 'mail-relay_1.corp.' })).imapHost).toBe('localhost');
  });

  it('needs the required settings and refuses unknown ones', () => {
    expect(issues(createMailboxSchema, { name: 'x', hasImapSecret: true })).toEqual({
      '': 'Unrecognized key: "hasImapSecret"',
      address: 'must be an e-mail address',
      imapHost: 'must be a host name such as mail.example.com, or an IP address',
      imapUser: 'must be text',
      imapSecret: 'must be text',
      smtpHost: 'must be a host name such as mail.example.com, or an IP address',
    });
    expect(issues(createMailboxSchema, minimal({ imapSecret: '', imapAuth: 'cram-md5', smtpSecurity: 'ssl', processedAction: 'delete' }))).toEqual({
      imapSecret: 'must not be empty',
      imapAuth: 'must be password or xoauth2',
      smtpSecurity: 'must be tls, starttls, none',
      processedAction: 'must be flag or move',
    });
  });

  it('checks the rules between settings', () => {
    expect(issues(createMailboxSchema, minimal({ processedAction: 'move' }))).toEqual({
      processedFolder: 'is required when processedAction is move: the folder processed messages are moved to',
    });
    expect(issues(createMailboxSchema, minimal({ processedAction: 'move', processedFolder: 'INBOX' })).processedFolder).toMatch(/^must differ from folder/);
    expect(issues(createMailboxSchema, minimal({ processedFolder: 'Done' }))).toEqual({ processedFolder: 'is only used when processedAction is move' });
    expect(issues(createMailboxSchema, minimal({ smtpUser: 'relay' }))).toEqual({ smtpSecret: 'is required when smtpUser is set' });
    expect(issues(createMailboxSchema, minimal({ smtpSecret: 'x' })).smtpUser).toMatch(/^is required when smtpSecret is set/);
    expect(createMailboxSchema.parse(minimal({ processedAction: 'move', processedFolder: 'Archive', smtpUser: 'relay', smtpSecret: 's' }))).toMatchObject({
      processedFolder: 'Archive',
      smtpUser: 'relay',
      smtpSecret: 's',
    });
  });

  it('refuses a marker format the e-mail service could not find again', () => {
    expect(issues(createMailboxSchema, minimal({ markerFormat: 'Ticket' }))).toEqual({ markerFormat: 'must contain {number} exactly once, e.g. [#{number}]' });
    expect(issues(createMailboxSchema, minimal({ markerFormat: '{number}' })).markerFormat).toMatch(/^needs text around \{number\}/);
    expect(createMailboxSchema.parse(minimal({ markerFormat: '(Ticket {number})' })).markerFormat).toBe('(Ticket {number})');
  });

  it('refuses a too small attachment limit', () => {
    expect(issues(createMailboxSchema, minimal({ maxAttachmentBytes: 10 }))).toEqual({ maxAttachmentBytes: 'must be at least 1024 bytes' });
  });
});

describe('markerFormatProblem', () => {
  it('explains each problem', () => {
    expect(markerFormatProblem('[#{number}]')).toBeUndefined();
    expect(markerFormatProblem('[#{number}] {number}')).toBe('must contain {number} exactly once, e.g. [#{number}]');
    expect(markerFormatProblem('[{num}#{number}]')).toBe('only {number} may be in braces, e.g. [#{number}]');
    expect(markerFormatProblem('[#{number}]\n')).toBe('must be on one line, without control characters');
    expect(markerFormatProblem(' 1 {number} ')).toMatch(/^needs text around \{number\} that is not digits or spaces/);
  });
});

describe('hostProblem', () => {
  it('accepts host names and IP addresses', () => {
    for (const host of ['mail.example.com', 'localhost', '10.0.0.1', '::1', '[2001:db8::1]', 'xn--80ak6aa92e.com']) expect(hostProblem(host)).toBeUndefined();
  });

  it('refuses URLs, ports, paths and odd characters', () => {
    expect(hostProblem('https://mail.example.com')).toMatch(/without a scheme/);
    expect(hostProblem('mail.example.com:993')).toMatch(/port in its own field/);
    expect(hostProblem('user@mail.example.com')).toMatch(/^must be a host name/);
    expect(hostProblem('-mail.example.com')).toMatch(/^must be a host name/);
    expect(hostProblem('a'.repeat(64) + '.com')).toMatch(/^must be a host name/);
  });
});

describe('mailboxRuleIssues', () => {
  it('judges a stored mailbox with a change applied', () => {
    const stored = { folder: 'INBOX', processedAction: 'flag' as const, processedFolder: null, smtpUser: null, hasSmtpSecret: false };
    expect(mailboxRuleIssues(stored)).toEqual([]);
    expect(mailboxRuleIssues({ ...stored, processedAction: 'move' })).toEqual([{ path: 'processedFolder', message: expect.stringMatching(/^is required/) }]);
    expect(mailboxRuleIssues({ ...stored, smtpUser: 'u' })).toEqual([{ path: 'smtpSecret', message: 'is required when smtpUser is set' }]);
  });
});

describe('updateMailboxSchema', () => {
  it('applies no defaults: only what is sent', () => {
    expect(updateMailboxSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(updateMailboxSchema.parse({ smtpUser: null, displayName: ' ' })).toEqual({ smtpUser: null, displayName: null });
  });

  it('checks each property like a new mailbox and refuses an empty change', () => {
    expect(issues(updateMailboxSchema, { imapPort: 0, markerFormat: 'x' })).toEqual({
      imapPort: 'must be a port number from 1 to 65535',
      markerFormat: 'must contain {number} exactly once, e.g. [#{number}]',
    });
    expect(issues(updateMailboxSchema, {})).toEqual({ '': 'nothing to change: send at least one property of the mailbox' });
    expect(updateMailboxSchema.safeParse({ state: 'active' }).error?.issues.map((i) => i.message)).toContain('Unrecognized key: "state"');
  });
});

describe('listMailboxesQuerySchema', () => {
  it('takes the filters and paging', () => {
    expect(listMailboxesQuerySchema.parse({ enabled: 'false', state: 'error', q: ' eu ' })).toEqual({ page: 1, pageSize: 25, enabled: false, state: 'error', q: 'eu' });
    expect(listMailboxesQuerySchema.safeParse({ state: 'broken' }).success).toBe(false);
  });
});
