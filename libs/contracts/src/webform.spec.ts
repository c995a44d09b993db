import { checkField, checkSubmission, DEFAULT_WEBFORM_TITLE, submissionDescription, submissionTitle, type WebformField } from './webform.js';

const fields: WebformField[] = [
  { name: 'message', label: 'Message', type: 'textarea', required: true, order: 3, role: 'message' },
  { name: 'name', label: 'Name', type: 'text', required: false, order: 1, role: 'name', maxLength: 10 },
  { name: 'email', label: 'E-mail', type: 'email', required: false, order: 2, role: 'email' },
  { name: 'phone', label: 'Phone', type: 'phone', required: false, order: 2.5, role: 'phone' },
  { name: 'plan', label: 'Plan', type: 'select', required: false, order: 4, options: ['Free', 'Pro'] },
  { name: 'agree', label: 'Terms accepted', type: 'checkbox', required: true, order: 5 },
];

describe('checkField', () => {
  const field = (over: Partial<WebformField>): WebformField => ({ name: 'f', label: 'F', type: 'text', required: false, order: 0, ...over });

  it.each([
    [field({ required: true }), undefined, 'This field is required.'],
    [field({ required: true }), '   ', 'This field is required.'],
    [field({}), undefined, undefined],
    [field({ maxLength: 3 }), 'abcd', 'At most 3 characters (now 4).'],
    [field({ maxLength: 100_000 }), 'x'.repeat(501), 'At most 500 characters (now 501).'],
    [field({ type: 'email' }), 'a@b', 'Enter an e-mail address like name@example.com.'],
    [field({ type: 'email' }), 'a@b.co', undefined],
    [field({ type: 'phone' }), '+1 (2', 'Enter a phone number, e.g. +44 20 7183 8750.'],
    [field({ type: 'phone' }), 'call me', 'Enter a phone number, e.g. +44 20 7183 8750.'],
    [field({ type: 'phone' }), '8 (999) 123-45-67', undefined],
    [field({ type: 'select', options: ['A'] }), 'B', 'Choose one of the options.'],
    [field({ type: 'checkbox', required: true }), false, 'Please tick this box.'],
    [field({ type: 'checkbox' }), 'yes', 'Must be checked or unchecked.'],
    [field({}), true, 'Must be text.'],
  ])('%j with %j → %j', (f, value, expected) => {
    expect(checkField(f, value)).toBe(expected);
  });
});

describe('checkSubmission', () => {
  it('returns the trimmed values of filled fields only', () => {
    const result = checkSubmission(fields, { message: '  Help  ', email: 'a@b.co', name: '', agree: true, plan: 'Pro' });
    expect(result).toEqual({ ok: true, values: { message: 'Help', email: 'a@b.co', agree: true, plan: 'Pro' } });
  });

  it('reports every bad field and every unknown one', () => {
    expect(checkSubmission(fields, { email: 'x', plan: 'Gold', colour: 'red' })).toEqual({
      ok: false,
      errors: {
        message: 'This field is required.',
        email: 'Enter an e-mail address like name@example.com.',
        plan: 'Choose one of the options.',
        agree: 'Please tick this box.',
      },
      unknown: ['colour'],
    });
  });

  it('needs a way to answer: the e-mail or the phone', () => {
    const result = checkSubmission(fields, { message: 'Hi', agree: true });
    expect(result).toEqual({
      ok: false,
      errors: { email: 'Leave an e-mail or a phone number so we can answer you.', phone: 'Leave an e-mail or a phone number so we can answer you.' },
      unknown: [],
    });
    expect(checkSubmission(fields, { message: 'Hi', agree: true, phone: '+44 20 7183 8750' }).ok).toBe(true);
  });

  it('does not treat inherited object keys as values', () => {
    expect(checkSubmission(fields, JSON.parse('{"__proto__": {"message": "x"}, "email": "a@b.co", "agree": true}')).ok).toBe(false);
  });
});

describe('title and description', () => {
  it('titles the ticket with the first non-empty line of the message field', () => {
    expect(submissionTitle(fields, { message: '\n  Printer on fire \nsecond line' })).toBe('Printer on fire');
    expect(submissionTitle(fields, { name: 'Ann' })).toBe(DEFAULT_WEBFORM_TITLE);
    expect(submissionTitle(fields, { message: 'x'.repeat(300) })).toHaveLength(250);
  });

  it('writes one "Label: value" line per filled field, in form order', () => {
    expect(submissionDescription(fields, { message: 'Line 1\r\nLine 2', email: 'a@b.co', name: 'Ann', agree: true })).toBe(
      'Name: Ann\nE-mail: a@b.co\nMessage: Line 1\nLine 2\nTerms accepted: Yes',
    );
  });
});
