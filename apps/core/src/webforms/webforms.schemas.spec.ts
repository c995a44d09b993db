import { CONTACT_FIELD_MESSAGE, createWebformSchema, normalizeOrigin, updateWebformSchema } from './webforms.schemas.js';

const EMAIL = { name: 'email', label: 'E-mail', type: 'email', role: 'email' };
const minimal = (extra: Record<string, unknown> = {}) => ({ key: 'support', title: 'Support', fields: [EMAIL], ...extra });

/** The issues by path; a path with several issues maps to the list of their messages. */
function issues(schema: typeof createWebformSchema | typeof updateWebformSchema, body: unknown): Record<string, string | string[]> {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  const out: Record<string, string | string[]> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.');
    const seen = out[path];
    out[path] = seen === undefined ? issue.message : [...(Array.isArray(seen) ? seen : [seen]), issue.message];
  }
  return out;
}

describe('createWebformSchema', () => {
  it('fills the defaults and lower-cases the key', () => {
    const form = createWebformSchema.parse(minimal({ key: ' Support-EU ' }));
    expect(form).toEqual({
      key: 'support-eu',
      title: 'Support',
      introText: '',
      buttonLabel: 'Send',
      launcherLabel: 'Contact us',
      successMessage: 'Thank you! Your request number is {{ticket.number}}.',
      colors: { primary: '#2563eb', text: '#111827', background: '#ffffff' },
      position: 'bottom-right',
      fields: [{ name: 'email', label: 'E-mail', type: 'email', role: 'email', required: false, order: 0 }],
      allowedOrigins: [],
      filesAllowed: false,
      enabled: true,
    });
  });

  it('fills missing colours one by one and lower-cases them', () => {
    expect(createWebformSchema.parse(minimal({ colors: { primary: '#AABBCC' } })).colors).toEqual({
      primary: '#aabbcc',
      text: '#111827',
      background: '#ffffff',
    });
    expect(issues(createWebformSchema, minimal({ colors: { primary: 'red', accent: '#000000' } }))).toEqual({
      colors: 'Unrecognized key: "accent"',
      'colors.primary': 'must be a colour like #2563eb (#rrggbb)',
    });
  });

  it('gives fields their index as order and returns them in display order', () => {
    const form = createWebformSchema.parse(
      minimal({
        fields: [
          { name: 'message', label: 'Message', type: 'textarea', role: 'message', order: 5 },
          EMAIL,
          { name: 'name', label: 'Name', type: 'text', role: 'name' },
        ],
      }),
    );
    expect(form.fields.map((f) => [f.name, f.order])).toEqual([
      ['email', 1],
      ['name', 2],
      ['message', 5],
    ]);
  });

  it('refuses bad keys', () => {
    expect(issues(createWebformSchema, minimal({ key: '-support' })).key).toMatch(/^must be 3 to 64 characters/);
    expect(issues(createWebformSchema, minimal({ key: 'ab' })).key).toMatch(/^must be 3 to 64 characters/);
    expect(issues(createWebformSchema, minimal({ key: 'a'.repeat(65) })).key).toMatch(/^must be 3 to 64 characters/);
    expect(createWebformSchema.parse(minimal({ key: 'a'.repeat(64) })).key).toHaveLength(64);
  });

  it('reports every problem of every field at its path', () => {
    const result = issues(
      createWebformSchema,
      minimal({
        fields: [
          EMAIL,
          { name: 'Topic', label: '', type: 'select' },
          { name: 'website', label: 'Site', type: 'text' },
          { name: 'note', label: 'Note', type: 'text', role: 'email', options: ['a'], maxLength: 501 },
          { name: 'agree', label: 'OK', type: 'checkbox', maxLength: 10 },
          { name: 'email', label: 'Again', type: 'radio', order: 1.5 },
          'phone',
        ],
      }),
    );
    expect(result).toEqual({
      'fields.1.name': 'must start with a lower-case letter, then lower-case letters, digits or _ (at most 40)',
      'fields.1.label': 'must not be empty',
      'fields.1.options': 'a select needs options: 1 to 50 choices',
      'fields.2.name': '"website" is reserved for the spam trap; choose another name',
      'fields.3.options': 'only a select has options (this field is text)',
      'fields.3.maxLength': 'must be at most 500 for a text field',
      'fields.3.role': ['role "email" needs a field of type email (this one is text)', 'role "email" is already on fields.0; a role goes on one field only'],
      'fields.4.maxLength': 'a checkbox has no maxLength',
      'fields.5.type': 'must be one of text, email, phone, textarea, select, checkbox',
      'fields.5.order': 'must be a whole number',
      'fields.5.name': '"email" is already the name of fields.0',
      'fields.6': 'must be a field: { name, label, type, ... }',
    });
  });

  it('puts a role only on a field of a matching type', () => {
    expect(issues(createWebformSchema, minimal({ fields: [EMAIL, { name: 'msg', label: 'Message', type: 'select', options: ['x'], role: 'message' }] }))).toEqual({
      'fields.1.role': 'role "message" needs a field of type text or textarea (this one is select)',
    });
    expect(issues(createWebformSchema, minimal({ fields: [{ name: 'email', label: 'E-mail', type: 'text', role: 'email' }] }))).toEqual({
      'fields.0.role': 'role "email" needs a field of type email (this one is text)',
    });
  });

  it('needs a field to reach the visitor on', () => {
    expect(issues(createWebformSchema, minimal({ fields: [{ name: 'message', label: 'Message', type: 'textarea', role: 'message' }] }))).toEqual({
      fields: CONTACT_FIELD_MESSAGE,
    });
    expect(createWebformSchema.safeParse(minimal({ fields: [{ name: 'tel', label: 'Phone', type: 'phone', role: 'phone' }] })).success).toBe(true);
    expect(issues(createWebformSchema, minimal({ fields: [] }))).toEqual({ fields: 'a form needs at least one field' });
    const many = Array.from({ length: 31 }, (_, i) => ({ name: `f${i}`, label: `F${i}`, type: 'text' }));
    expect(issues(createWebformSchema, minimal({ fields: [EMAIL, ...many] }))).toEqual({ fields: 'at most 30 fields' });
  });

  it('checks the options of a select', () => {
    const select = (options: unknown) => minimal({ fields: [EMAIL, { name: 'topic', label: 'Topic', type: 'select', options }] });
    expect(createWebformSchema.parse(select([' Billing ', 'Other'])).fields[1].options).toEqual(['Billing', 'Other']);
    expect(issues(createWebformSchema, select([]))).toEqual({ 'fields.1.options': 'a select needs at least one option' });
    expect(issues(createWebformSchema, select(['Billing', ' ', 'Billing', 'x'.repeat(201)]))).toEqual({
      'fields.1.options.1': 'must not be empty',
      'fields.1.options.2': '"Billing" is already option 0',
      'fields.1.options.3': 'must be at most 200 characters',
    });
    expect(issues(createWebformSchema, select(Array.from({ length: 51 }, (_, i) => `o${i}`)))).toEqual({ 'fields.1.options': 'at most 50 options' });
  });

  it('normalises and de-duplicates allowed origins, naming each bad one', () => {
    const ok = createWebformSchema.parse(minimal({ allowedOrigins: ['HTTPS://Shop.Example.com:443/', 'https://shop.example.com', 'http://localhost:8080', '*'] }));
    expect(ok.allowedOrigins).toEqual(['https://shop.example.com', 'http://localhost:8080', '*']);
    const bad = issues(
      createWebformSchema,
      minimal({ allowedOrigins: ['shop.example.com', 'ftp://example.com', 'https://example.com/contact', 'https://example.com?x=1', 'https://*.example.com'] }),
    );
    expect(Object.keys(bad)).toEqual(['allowedOrigins.0', 'allowedOrigins.1', 'allowedOrigins.2', 'allowedOrigins.3', 'allowedOrigins.4']);
    expect(bad['allowedOrigins.0']).toMatch(/^"shop.example.com" is not an origin: write scheme:\/\/host\[:port\]/);
    expect(bad['allowedOrigins.1']).toBe('"ftp://example.com" is not an origin: the scheme must be http or https');
    expect(bad['allowedOrigins.2']).toBe('"https://example.com/contact" is not an origin: remove the path, query or fragment (https://example.com)');
    expect(bad['allowedOrigins.4']).toMatch(/wildcards in host names are not supported/);
    const tooMany = Array.from({ length: 51 }, (_, i) => `https://s${i}.example.com`);
    expect(issues(createWebformSchema, minimal({ allowedOrigins: tooMany }))).toEqual({ allowedOrigins: 'at most 50 origins' });
  });

  it('refuses unknown properties and over-long texts', () => {
    expect(issues(createWebformSchema, minimal({ theme: 'dark', title: 'x'.repeat(201), buttonLabel: '', position: 'top' }))).toEqual({
      '': 'Unrecognized key: "theme"',
      title: 'must be at most 200 characters',
      buttonLabel: 'must not be empty',
      position: 'must be bottom-right or bottom-left',
    });
  });
});

describe('updateWebformSchema', () => {
  it('applies no defaults: only what is sent', () => {
    expect(updateWebformSchema.parse({ title: 'New' })).toEqual({ title: 'New' });
    expect(updateWebformSchema.parse({ colors: { text: '#000000' } })).toEqual({ colors: { text: '#000000' } });
  });

  it('checks a replacement field list like a new form', () => {
    expect(issues(updateWebformSchema, { fields: [{ name: 'message', label: 'Message', type: 'textarea', role: 'message' }] })).toEqual({
      fields: CONTACT_FIELD_MESSAGE,
    });
  });

  it('refuses an empty change', () => {
    expect(issues(updateWebformSchema, {})).toEqual({ '': 'nothing to change: send at least one property of the form' });
  });
});

describe('normalizeOrigin', () => {
  it('keeps * and reduces a URL to its origin', () => {
    expect(normalizeOrigin(' * ')).toBe('*');
    expect(normalizeOrigin('https://EXAMPLE.com:8443')).toBe('https://example.com:8443');
    expect(normalizeOrigin('http://[::1]:3000/')).toBe('http://[::1]:3000');
  });

  it('refuses credentials and fragments', () => {
    expect(() => normalizeOrigin('https://user:pw@example.com')).toThrow('must not contain a user name or password');
    expect(() => normalizeOrigin('https://example.com#top')).toThrow('remove the path, query or fragment');
    expect(() => normalizeOrigin('null')).toThrow('is not an origin');
  });
});
