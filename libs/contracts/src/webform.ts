/*
 * The web form's shape and its submission rules, shared by three places: core (admins define
 * forms), the webform service (validates submissions) and widget.js (validates before sending,
 * so the visitor sees the same messages the server would give). It imports nothing, so the
 * widget bundle stays small.
 */

export const WEBFORM_FIELD_TYPES = ['text', 'email', 'phone', 'textarea', 'select', 'checkbox'] as const;
export type WebformFieldType = (typeof WEBFORM_FIELD_TYPES)[number];

/**
 * What a field means to the ticket: `message` gives the title (its first line), `email` and
 * `phone` bind the contact, `name` is the contact's display name. Each role is on one field at most.
 */
export const WEBFORM_FIELD_ROLES = ['message', 'email', 'phone', 'name'] as const;
export type WebformFieldRole = (typeof WEBFORM_FIELD_ROLES)[number];

/** The type a field must have to carry a role. */
export const ROLE_FIELD_TYPES: Record<WebformFieldRole, readonly WebformFieldType[]> = {
  message: ['text', 'textarea'],
  email: ['email'],
  phone: ['phone'],
  name: ['text'],
};

/** Longest value a field accepts when its definition sets no maxLength, and the most it may set. */
export const FIELD_MAX_LENGTH: Record<WebformFieldType, number> = {
  text: 500,
  email: 254,
  phone: 40,
  textarea: 10_000,
  select: 200,
  checkbox: 0,
};

export interface WebformField {
  /** Machine name, the key of the value in a submission: `[a-z][a-z0-9_]{0,39}`. */
  name: string;
  /** What the visitor sees, and the "Field name" of the ticket's description line. */
  label: string;
  type: WebformFieldType;
  required: boolean;
  /** Position in the form; lower first. */
  order: number;
  /** The choices of a select. */
  options?: string[];
  maxLength?: number;
  placeholder?: string;
  role?: WebformFieldRole;
}

export const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** The form as the widget gets it from `GET /forms/:key`. */
export interface PublicWebform {
  key: string;
  title: string;
  introText: string;
  buttonLabel: string;
  launcherLabel: string;
  successMessage: string;
  colors: { primary: string; text: string; background: string };
  position: 'bottom-right' | 'bottom-left';
  fields: WebformField[];
  files: { allowed: boolean; maxFiles: number; maxFileBytes: number; acceptedTypes: string[] };
  /** Name of the decoy input people never see nor fill. */
  honeypotField: string;
}

/** A value as it arrives: text for most fields, a boolean for a checkbox. */
export type SubmittedValue = string | boolean;

export type SubmissionCheck =
  | { ok: true; values: Record<string, SubmittedValue> }
  | { ok: false; errors: Record<string, string>; unknown: string[] };

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_SHAPE = /^\+?[0-9\s().\-/]{5,40}$/;

/** Fields in the order the visitor sees them. */
export function orderedFields<F extends Pick<WebformField, 'order' | 'name'>>(fields: readonly F[]): F[] {
  return [...fields].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** Checks one field's value; returns the message to show beside it, or undefined. */
export function checkField(field: WebformField, raw: unknown): string | undefined {
  if (field.type === 'checkbox') {
    if (raw !== undefined && typeof raw !== 'boolean') return 'Must be checked or unchecked.';
    if (field.required && raw !== true) return 'Please tick this box.';
    return undefined;
  }
  if (raw !== undefined && typeof raw !== 'string') return 'Must be text.';
  const value = (raw ?? '').trim();
  if (!value) return field.required ? 'This field is required.' : undefined;
  const max = Math.min(field.maxLength ?? FIELD_MAX_LENGTH[field.type], FIELD_MAX_LENGTH[field.type]);
  if (value.length > max) return `At most ${max} characters (now ${value.length}).`;
  switch (field.type) {
    case 'email':
      return EMAIL_SHAPE.test(value) ? undefined : 'Enter an e-mail address like name@example.com.';
    case 'phone':
      return PHONE_SHAPE.test(value) && (value.match(/\d/g)?.length ?? 0) >= 5 ? undefined : 'Enter a phone number, e.g. +44 20 7183 8750.';
    case 'select':
      return field.options?.includes(value) ? undefined : 'Choose one of the options.';
    default:
      return undefined;
  }
}

/**
 * Checks a whole submission against the form: each field's rule, no unknown fields, and a way to
 * answer (the e-mail or the phone field filled). Returns the trimmed values of filled fields.
 */
export function checkSubmission(fields: readonly WebformField[], values: Record<string, unknown>): SubmissionCheck {
  const errors: Record<string, string> = {};
  const known = new Set(fields.map((f) => f.name));
  const unknown = Object.keys(values).filter((k) => !known.has(k));
  const out: Record<string, SubmittedValue> = {};
  for (const field of fields) {
    const raw = Object.prototype.hasOwnProperty.call(values, field.name) ? values[field.name] : undefined;
    const error = checkField(field, raw);
    if (error) errors[field.name] = error;
    else if (raw === true) out[field.name] = true;
    else if (typeof raw === 'string' && raw.trim()) out[field.name] = raw.trim();
  }
  const contactFields = fields.filter((f) => f.role === 'email' || f.role === 'phone');
  if (contactFields.length && !contactFields.some((f) => out[f.name] !== undefined || errors[f.name])) {
    const message = contactFields.length > 1 ? 'Leave an e-mail or a phone number so we can answer you.' : 'We need this to answer you.';
    for (const f of contactFields) errors[f.name] = message;
  }
  if (unknown.length || Object.keys(errors).length) return { ok: false, errors, unknown };
  return { ok: true, values: out };
}

/** The ticket title: the first non-empty line of the message field, else a fixed one. */
export const DEFAULT_WEBFORM_TITLE = 'Request via web form';

export function submissionTitle(fields: readonly WebformField[], values: Record<string, SubmittedValue>): string {
  const message = fields.find((f) => f.role === 'message');
  const text = message ? values[message.name] : undefined;
  const line = typeof text === 'string' ? text.split(/\r?\n/).map((l) => l.trim()).find(Boolean) : undefined;
  return line ? line.slice(0, 250) : DEFAULT_WEBFORM_TITLE;
}

/** The ticket description: one `Label: value` line per filled field, in form order. */
export function submissionDescription(fields: readonly WebformField[], values: Record<string, SubmittedValue>): string {
  return orderedFields(fields)
    .filter((f) => values[f.name] !== undefined)
    .map((f) => `${f.label}: ${values[f.name] === true ? 'Yes' : String(values[f.name]).replace(/\r\n?/g, '\n')}`)
    .join('\n');
}

/** The decoy input's name; no real field may use it. */
export const WEBFORM_HONEYPOT_FIELD = 'website';
