import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination.js';
import { InvalidDomainError, normalizeDomain } from '@switchboard/common';

const name = z.string().trim().min(1, 'must not be empty').max(200);

/** Normalised and de-duplicated; each invalid entry is reported at its index (`domains.1`). */
const domains = z
  .array(z.string().max(300))
  .max(100)
  .transform((list, ctx) => {
    const out = new Set<string>();
    list.forEach((value, i) => {
      try {
        out.add(normalizeDomain(value));
      } catch (err) {
        if (!(err instanceof InvalidDomainError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message, path: [i] });
      }
    });
    return [...out];
  });

export const listCompaniesQuerySchema = pageQuerySchema
  .extend({ q: z.string().trim().max(200).optional().transform((v) => v || undefined) })
  .strict();

export const createCompanySchema = z.object({ name, domains: domains.default([]) }).strict();

export const updateCompanySchema = z
  .object({ name: name.optional(), domains: domains.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send name and/or domains' });

export type ListCompaniesQuery = z.infer<typeof listCompaniesQuerySchema>;
export type CreateCompanyInput = z.infer<typeof createCompanySchema>;
export type UpdateCompanyInput = z.infer<typeof updateCompanySchema>;
