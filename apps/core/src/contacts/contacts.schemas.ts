import { IdentityKind } from '@switchboard/db';
import { z } from 'zod';
import { pageQuerySchema, uuidParam } from '../common/pagination.js';
import { InvalidIdentityError, normalizeIdentity } from '@switchboard/common';

/** A blank name is no name. */
const name = z
  .string()
  .trim()
  .max(200)
  .nullable()
  .transform((v) => v || null);

/** Normalised here, so an invalid value is a 400 naming `identities.<i>.value` with the reason. */
const identity = z
  .object({
    kind: z.enum(IdentityKind, { message: 'must be email, phone or telegram' }),
    value: z.string().max(320),
  })
  .strict()
  .transform((i, ctx) => {
    try {
      return { kind: i.kind, value: normalizeIdentity(i.kind, i.value) };
    } catch (err) {
      if (!(err instanceof InvalidIdentityError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message, path: ['value'] });
      return z.NEVER;
    }
  });

/** De-duplicated after normalisation ("A@x.com" and "a@x.com" are one identity). */
const identities = z
  .array(identity)
  .max(50)
  .transform((list) => [...new Map(list.map((i) => [`${i.kind}:${i.value}`, i])).values()]);

export type IdentityInput = z.infer<typeof identity>;

export const listContactsQuerySchema = pageQuerySchema
  .extend({
    companyId: uuidParam.optional(),
    managerId: uuidParam.optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export const createContactSchema = z
  .object({
    name: name.optional(),
    /** Omitted: bound by the domain of an e-mail identity if a company owns it. null: no company. */
    companyId: uuidParam.nullable().optional(),
    managerId: uuidParam.nullable().optional(),
    identities: identities.default([]),
  })
  .strict()
  .refine((c) => !!c.name || c.identities.length > 0, { message: 'a contact needs a name or at least one identity', path: ['identities'] });

export const updateContactSchema = z
  .object({
    name: name.optional(),
    companyId: uuidParam.nullable().optional(),
    managerId: uuidParam.nullable().optional(),
    /** Replaces the whole set: identities not listed are removed; listed ones already there keep their id. */
    identities: identities.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one of name, companyId, managerId, identities' });

export type ListContactsQuery = z.infer<typeof listContactsQuerySchema>;
export type CreateContactInput = z.infer<typeof createContactSchema>;
export type UpdateContactInput = z.infer<typeof updateContactSchema>;
