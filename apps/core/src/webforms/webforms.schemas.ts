import {
  FIELD_MAX_LENGTH,
  FIELD_NAME_PATTERN,
  ROLE_FIELD_TYPES,
  WEBFORM_FIELD_ROLES,
  WEBFORM_FIELD_TYPES,
  WEBFORM_HONEYPOT_FIELD,
  orderedFields,
  type WebformField,
  type WebformFieldRole,
  type WebformFieldType,
} from '@switchboard/contracts';
import { z } from 'zod';
import { pageQuerySchema, queryBoolean } from '../common/pagination.js';

export const WEBFORM_KEY = /^[a-z0-9][a-z0-9-]{2,63}$/;
export const MAX_FIELDS = 30;
export const MAX_OPTIONS = 50;
export const MAX_ALLOWED_ORIGINS = 50;
export const WEBFORM_POSITIONS = ['bottom-right', 'bottom-left'] as const;

export const WEBFORM_DEFAULTS = {
  introText: '',
  buttonLabel: 'Send',
  launcherLabel: 'Contact us',
  successMessage: 'Thank you! Your request number is {{ticket.number}}.',
  colors: { primary: '#2563eb', text: '#111827', background: '#ffffff' },
  position: 'bottom-right',
  filesAllowed: false,
  enabled: true,
} as const;

export const CONTACT_FIELD_MESSAGE = 'a form needs an e-mail or phone field (role "email" or "phone") so replies can reach the visitor';

/** Trimmed text of `min`..`max` characters, with messages a person can act on. */
const text = (min: number, max: number) =>
  z
    .string({ message: 'must be text' })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

const key = z
  .string({ message: 'must be text' })
  .trim()
  .toLowerCase()
  .regex(WEBFORM_KEY, 'must be 3 to 64 characters: lower-case letters, digits and -, starting with a letter or a digit');

const color = z
  .string({ message: 'must be a colour like #2563eb' })
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #2563eb (#rrggbb)')
  .transform((v) => v.toLowerCase());

/** Not `.int()`: its failure stops the checks between fields, which should still report their problems. */
const wholeNumber = z.number({ message: 'must be a number' }).refine(Number.isInteger, 'must be a whole number');

/** The message for a value that is not an object at all; other problems keep their own. */
const objectError = (message: string) => (issue: { code?: string }) => (issue.code === 'invalid_type' ? message : undefined);

const position = z.enum(WEBFORM_POSITIONS, { message: `must be ${WEBFORM_POSITIONS.join(' or ')}` });

const isType = (v: unknown): v is WebformFieldType => (WEBFORM_FIELD_TYPES as readonly unknown[]).includes(v);
const isRole = (v: unknown): v is WebformFieldRole => (WEBFORM_FIELD_ROLES as readonly unknown[]).includes(v);
const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

const ORIGIN_HINT = 'write scheme://host[:port] with http or https and no path, query or fragment, e.g. https://shop.example.com, or * for any origin';

/**
 * `*`, or an origin normalised to what a browser sends in the Origin header
 * (`HTTPS://Shop.Example.com:443/` becomes `https://shop.example.com`).
 */
export function normalizeOrigin(raw: string): string {
  const value = raw.trim();
  if (value === '*') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${raw}" is not an origin: ${ORIGIN_HINT}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" is not an origin: the scheme must be http or https`);
  if (!/^https?:\/\/[^/?#]/i.test(value)) throw new Error(`"${raw}" is not an origin: ${ORIGIN_HINT}`);
  if (url.username || url.password) throw new Error(`"${raw}" is not an origin: it must not contain a user name or password`);
  if (url.pathname !== '/' || /[?#]/.test(value)) throw new Error(`"${raw}" is not an origin: remove the path, query or fragment (${url.origin})`);
  if (url.hostname.includes('*')) throw new Error(`"${raw}" is not an origin: wildcards in host names are not supported; list each origin, or use * for any`);
  return url.origin;
}

/** Normalised and de-duplicated; each invalid entry is reported at its index (`allowedOrigins.1`). */
const allowedOrigins = z
  .array(z.string({ message: 'must be text' }).max(300, 'must be at most 300 characters'), { message: 'must be a list of origins' })
  .max(MAX_ALLOWED_ORIGINS, `at most ${MAX_ALLOWED_ORIGINS} origins`)
  .transform((list, ctx) => {
    const out = new Set<string>();
    list.forEach((value, i) => {
      try {
        out.add(normalizeOrigin(value));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message, path: [i] });
      }
    });
    return [...out];
  });

const options = z
  .array(text(1, 200), { message: 'must be a list of choices' })
  .min(1, 'a select needs at least one option')
  .max(MAX_OPTIONS, `at most ${MAX_OPTIONS} options`)
  .superRefine((list, ctx) => {
    list.forEach((option, i) => {
      const first = list.indexOf(option);
      if (first !== i) ctx.addIssue({ code: 'custom', message: `"${option}" is already option ${first}`, path: [i] });
    });
  });

/** One field; rules between its own properties are checked here, rules between fields on the list. */
const field = z
  .object(
    {
      name: z
        .string({ message: 'must be text' })
        .regex(FIELD_NAME_PATTERN, 'must start with a lower-case letter, then lower-case letters, digits or _ (at most 40)')
        .refine((n) => n !== WEBFORM_HONEYPOT_FIELD, `"${WEBFORM_HONEYPOT_FIELD}" is reserved for the spam trap; choose another name`),
      label: text(1, 200),
      type: z.enum(WEBFORM_FIELD_TYPES, { message: `must be one of ${WEBFORM_FIELD_TYPES.join(', ')}` }),
      required: z.boolean({ message: 'must be true or false' }).default(false),
      order: wholeNumber.min(0, 'must be 0 or more').max(1000, 'must be at most 1000').optional(),
      options: options.optional(),
      maxLength: wholeNumber.min(1, 'must be at least 1').optional(),
      placeholder: z.string({ message: 'must be text' }).trim().max(200, 'must be at most 200 characters').optional(),
      role: z.enum(WEBFORM_FIELD_ROLES, { message: `must be one of ${WEBFORM_FIELD_ROLES.join(', ')}` }).optional(),
    },
    { error: objectError('must be a field: { name, label, type, ... }') },
  )
  .strict()
  .superRefine(
    (raw, ctx) => {
      const f = record(raw);
      if (!isType(f.type)) return;
      const type = f.type;
      if (type === 'select' && f.options === undefined) {
        ctx.addIssue({ code: 'custom', message: `a select needs options: 1 to ${MAX_OPTIONS} choices`, path: ['options'] });
      }
      if (type !== 'select' && f.options !== undefined) {
        ctx.addIssue({ code: 'custom', message: `only a select has options (this field is ${type})`, path: ['options'] });
      }
      if (typeof f.maxLength === 'number') {
        if (type === 'checkbox') ctx.addIssue({ code: 'custom', message: 'a checkbox has no maxLength', path: ['maxLength'] });
        else if (f.maxLength > FIELD_MAX_LENGTH[type]) {
          ctx.addIssue({ code: 'custom', message: `must be at most ${FIELD_MAX_LENGTH[type]} for a ${type} field`, path: ['maxLength'] });
        }
      }
      if (isRole(f.role) && !ROLE_FIELD_TYPES[f.role].includes(type)) {
        const allowed = ROLE_FIELD_TYPES[f.role].join(' or ');
        ctx.addIssue({ code: 'custom', message: `role "${f.role}" needs a field of type ${allowed} (this one is ${type})`, path: ['role'] });
      }
    },
    // Also when another property failed, so each problem of the field is reported at once.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

/**
 * 1..30 fields: names unique, each role on one field at most, and an e-mail or phone field to answer
 * on. `order` defaults to the field's index; the list comes back in display order.
 */
const fields = z
  .array(field, { message: 'must be a list of fields' })
  .min(1, 'a form needs at least one field')
  .max(MAX_FIELDS, `at most ${MAX_FIELDS} fields`)
  .superRefine(
    (list, ctx) => {
      const names = new Map<string, number>();
      const roles = new Map<string, number>();
      let contact = false;
      (list as unknown[]).forEach((raw, i) => {
        const f = record(raw);
        if (typeof f.name === 'string') {
          const first = names.get(f.name);
          if (first === undefined) names.set(f.name, i);
          else ctx.addIssue({ code: 'custom', message: `"${f.name}" is already the name of fields.${first}`, path: [i, 'name'] });
        }
        if (isRole(f.role)) {
          const first = roles.get(f.role);
          if (first === undefined) roles.set(f.role, i);
          else ctx.addIssue({ code: 'custom', message: `role "${f.role}" is already on fields.${first}; a role goes on one field only`, path: [i, 'role'] });
          if (f.role === 'email' || f.role === 'phone') contact = true;
        }
      });
      if (list.length && !contact) ctx.addIssue({ code: 'custom', message: CONTACT_FIELD_MESSAGE });
    },
    { when: (payload) => Array.isArray(payload.value) },
  )
  .transform((list): WebformField[] => orderedFields(list.map((f, i) => ({ ...f, order: f.order ?? i }))));

const base = {
  key,
  title: text(1, 200),
  introText: z.string({ message: 'must be text' }).trim().max(2000, 'must be at most 2000 characters'),
  buttonLabel: text(1, 60),
  launcherLabel: text(1, 60),
  successMessage: text(1, 1000),
  position,
  fields,
  allowedOrigins,
  filesAllowed: z.boolean({ message: 'must be true or false' }),
  enabled: z.boolean({ message: 'must be true or false' }),
};

const D = WEBFORM_DEFAULTS;

export const createWebformSchema = z
  .object({
    ...base,
    introText: base.introText.default(D.introText),
    buttonLabel: base.buttonLabel.default(D.buttonLabel),
    launcherLabel: base.launcherLabel.default(D.launcherLabel),
    successMessage: base.successMessage.default(D.successMessage),
    colors: z
      .object(
        { primary: color.default(D.colors.primary), text: color.default(D.colors.text), background: color.default(D.colors.background) },
        { error: objectError('must be { primary, text, background }') },
      )
      .strict()
      .default({ ...D.colors }),
    position: base.position.default(D.position),
    allowedOrigins: base.allowedOrigins.default([]),
    filesAllowed: base.filesAllowed.default(D.filesAllowed),
    enabled: base.enabled.default(D.enabled),
  })
  .strict();

/** Every property optional; `colors` changes only the colours sent, `fields` replaces the whole list. */
export const updateWebformSchema = z
  .object({
    key: base.key.optional(),
    title: base.title.optional(),
    introText: base.introText.optional(),
    buttonLabel: base.buttonLabel.optional(),
    launcherLabel: base.launcherLabel.optional(),
    successMessage: base.successMessage.optional(),
    colors: z
      .object(
        { primary: color.optional(), text: color.optional(), background: color.optional() },
        { error: objectError('must be { primary?, text?, background? }') },
      )
      .strict()
      .optional(),
    position: base.position.optional(),
    fields: base.fields.optional(),
    allowedOrigins: base.allowedOrigins.optional(),
    filesAllowed: base.filesAllowed.optional(),
    enabled: base.enabled.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one property of the form' });

export const listWebformsQuerySchema = pageQuerySchema
  .extend({
    enabled: queryBoolean.optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export type CreateWebformInput = z.infer<typeof createWebformSchema>;
export type UpdateWebformInput = z.infer<typeof updateWebformSchema>;
export type ListWebformsQuery = z.infer<typeof listWebformsQuerySchema>;
