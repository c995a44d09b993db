import { InvalidIdentityError, normalizeEmail, normalizePhone } from '@switchboard/common';
import { IdentityKind } from '@switchboard/db';
import { z } from 'zod';

/** The kinds a participant can be: the ones a reply can be matched by. */
export const PARTICIPANT_KINDS = [IdentityKind.Email, IdentityKind.Phone] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

const normalized = (normalize: (v: string) => string) =>
  z
    .string({ message: 'must be text' })
    .max(320, 'must be at most 320 characters')
    .transform((v, ctx) => {
      try {
        return normalize(v);
      } catch (err) {
        if (!(err instanceof InvalidIdentityError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    });

/** `{ email?, phone? }`, at least one; normalised as contact identities are (lower-case e-mail, E.164 phone). */
export const addParticipantSchema = z
  .object({ email: normalized(normalizeEmail).optional(), phone: normalized((v) => normalizePhone(v)).optional() })
  .strict()
  .refine((b) => b.email !== undefined || b.phone !== undefined, { message: 'send an email or a phone (or both) to add as a participant' });

export type AddParticipantInput = z.infer<typeof addParticipantSchema>;

export const participantKindParam = z.enum(PARTICIPANT_KINDS, { message: `must be ${PARTICIPANT_KINDS.join(' or ')}` });

/** The pairs to add, in a stable order. */
export function participantPairs(input: AddParticipantInput): [ParticipantKind, string][] {
  const pairs: [ParticipantKind, string][] = [];
  if (input.email !== undefined) pairs.push([IdentityKind.Email, input.email]);
  if (input.phone !== undefined) pairs.push([IdentityKind.Phone, input.phone]);
  return pairs;
}
