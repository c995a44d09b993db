import { Channel, type SenderIdentity } from '@switchboard/contracts';
import { IdentityKind } from '@switchboard/db';
import type { EntityManager } from 'typeorm';
import { preparedQuery } from './prepared-query.js';

export interface ResolvedContact {
  id: string;
  companyId: string | null;
  created: boolean;
}

/** Retried by the transaction helper: another worker created the same contact a moment ago. */
export class ConcurrentContactCreation extends Error {
  override readonly name = 'ConcurrentContactCreation';
}

type IdentityPair = [IdentityKind, string];

/** The sender's identities, the channel's own first (it is the one the message proves). */
export function senderIdentities(sender: SenderIdentity, channel: Channel): IdentityPair[] {
  const all: IdentityPair[] = [];
  if (sender.telegramId) all.push([IdentityKind.Telegram, sender.telegramId]);
  if (sender.phone) all.push([IdentityKind.Phone, sender.phone]);
  if (sender.email) all.push([IdentityKind.Email, sender.email.toLowerCase()]);
  const native = channel === Channel.Telegram ? IdentityKind.Telegram : channel === Channel.Sms ? IdentityKind.Phone : IdentityKind.Email;
  return all.sort((a, b) => Number(b[0] === native) - Number(a[0] === native));
}

export function emailDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  return at > 0 ? email!.slice(at + 1).toLowerCase() : undefined;
}

/** An existing identity of the sender, with its contact. */
export interface KnownIdentity {
  id: string;
  kind: IdentityKind;
  value: string;
  companyId: string | null;
  /** The Telegram name and @username stored on a telegram identity. */
  displayName: string | null;
  username: string | null;
  /** Whether the contact has no name yet. */
  unnamed: boolean;
}

/**
 * The customer's Telegram name and @username as a Telegram message shows them. Telegram sends
 * the whole sender with every message, so a missing username means the account has none (any
 * longer: usernames can be dropped and then taken by someone else); a missing name is unknown.
 */
export interface TelegramProfile {
  displayName: string | null;
  username: string | null;
}

export function telegramProfile(sender: SenderIdentity): TelegramProfile {
  return { displayName: sender.displayName ?? null, username: sender.telegramUsername ?? null };
}

/** The sender's identities as the two parallel arrays (kinds, values) the identity queries take. */
export function identityArrays(sender: SenderIdentity, channel: Channel): [IdentityKind[], string[]] {
  const ids = senderIdentities(sender, channel);
  return [ids.map((i) => i[0]), ids.map((i) => i[1])];
}

/**
 * KnownIdentity rows for the kinds and values in the two given parameters. Written as two `= ANY`
 * conditions on the (kind, value) index so that the plan stays an index lookup even when the
 * table's statistics are missing or stale (a `(kind, value) IN (SELECT … unnest(…))` was planned
 * as a full scan of contact_identities there). It can match a kind with another pair's value, so
 * callers keep only the sender's own pairs (ownPairs).
 */
export function knownIdentitiesSql(kinds: string, values: string): string {
  return `SELECT ci.contact_id AS id, ci.kind, ci.value, c.company_id AS "companyId",
            ci.display_name AS "displayName", ci.username, c.name IS NULL AS unnamed
       FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id
      WHERE ci.kind = ANY(${kinds}::identity_kind[]) AND ci.value = ANY(${values}::text[])`;
}

const ownPairs = (ids: IdentityPair[]) => (f: KnownIdentity) => ids.some(([k, v]) => k === f.kind && v === f.value);

/**
 * Finds the contact behind a message's sender, or creates one (company by e-mail domain).
 * Identities the sender brings that nobody owns yet are added to the contact; identities owned
 * by someone else are left alone (an e-mail typed into a web form proves nothing).
 *
 * With a Telegram `profile` (a Telegram message's sender), the telegram identity carries the
 * account's name and @username: written with the identity when it is new, and kept up to date
 * by one UPDATE when the stored ones differ (compared with what the lookup read, so an unchanged
 * sender costs no statement); a contact still without a name takes the Telegram name.
 */
export async function resolveContact(
  em: EntityManager,
  sender: SenderIdentity,
  channel: Channel,
  /** The sender's existing identities, when the caller has looked them up already. */
  known?: KnownIdentity[],
  profile?: TelegramProfile,
): Promise<ResolvedContact> {
  const ids = senderIdentities(sender, channel);
  const kinds = ids.map((i) => i[0]);
  const values = ids.map((i) => i[1]);
  const found = (known ?? (await preparedQuery<KnownIdentity>(em, 'contact-find-identities', knownIdentitiesSql('$1', '$2'), [kinds, values]))).filter(
    ownPairs(ids),
  );

  if (found.length > 0) {
    const chosen = kinds.map((k) => found.find((f) => f.kind === k)).find(Boolean)!;
    const owned = new Set(found.map((f) => f.kind));
    const missing = ids.filter(([k]) => !owned.has(k));
    if (missing.length) await insertIdentities(em, chosen.id, missing, profile);
    if (profile && sender.telegramId) {
      const own = found.find((f) => f.kind === IdentityKind.Telegram && f.value === sender.telegramId && f.id === chosen.id);
      const stale = own && (own.username !== profile.username || (profile.displayName !== null && own.displayName !== profile.displayName));
      if (stale || (chosen.unnamed && profile.displayName)) await updateTelegramProfile(em, chosen.id, sender.telegramId, profile);
    }
    return { id: chosen.id, companyId: chosen.companyId, created: false };
  }

  // The contact and its identities in one statement.
  const domain = emailDomain(sender.email);
  const [contact] = await preparedQuery<{ id: string; companyId: string | null; inserted: IdentityKind[] }>(
    em,
    'contact-insert-with-identities',
    `WITH contact AS (
       INSERT INTO contacts (name, company_id)
       VALUES ($1, (SELECT company_id FROM company_domains WHERE domain = $2))
       RETURNING id, company_id
     ), inserted AS (
       INSERT INTO contact_identities (contact_id, kind, value, display_name, username)
       SELECT contact.id, t.k, t.v, CASE WHEN t.k = 'telegram' THEN $5::text END, CASE WHEN t.k = 'telegram' THEN $6::text END
         FROM contact, unnest($3::identity_kind[], $4::text[]) AS t (k, v)
       ON CONFLICT (kind, value) DO NOTHING
       RETURNING kind::text
     )
     SELECT contact.id, contact.company_id AS "companyId", ARRAY(SELECT kind FROM inserted) AS inserted FROM contact`,
    [sender.displayName ?? null, domain ?? null, kinds, values, profile?.displayName ?? null, profile?.username ?? null],
  );
  if (!contact.inserted.includes(ids[0][0])) {
    // Lost a race for the channel's own identity: roll back and let the retry find the winner.
    throw new ConcurrentContactCreation(`identity ${ids[0][0]}:${ids[0][1]} was created concurrently`);
  }
  return { id: contact.id, companyId: contact.companyId, created: true };
}

async function insertIdentities(em: EntityManager, contactId: string, ids: IdentityPair[], profile?: TelegramProfile): Promise<IdentityKind[]> {
  const rows = await preparedQuery<{ kind: IdentityKind }>(
    em,
    'contact-insert-identities',
    `INSERT INTO contact_identities (contact_id, kind, value, display_name, username)
     SELECT $1, k, v, CASE WHEN k = 'telegram' THEN $4::text END, CASE WHEN k = 'telegram' THEN $5::text END
       FROM unnest($2::identity_kind[], $3::text[]) AS t(k, v)
     ON CONFLICT (kind, value) DO NOTHING
     RETURNING kind`,
    [contactId, ids.map((i) => i[0]), ids.map((i) => i[1]), profile?.displayName ?? null, profile?.username ?? null],
  );
  return rows.map((r) => r.kind);
}

/**
 * One statement: the telegram identity takes the sender's name (when given) and @username where
 * they differ, and the contact takes the name if it has none. The IS DISTINCT FROM and IS NULL
 * guards make a concurrent duplicate of this update write nothing.
 */
async function updateTelegramProfile(em: EntityManager, contactId: string, telegramId: string, profile: TelegramProfile): Promise<void> {
  await preparedQuery(
    em,
    'contact-update-telegram-profile',
    `WITH identity AS (
       UPDATE contact_identities SET display_name = coalesce($3::text, display_name), username = $4::text
        WHERE kind = 'telegram' AND value = $2 AND contact_id = $1
          AND (display_name IS DISTINCT FROM coalesce($3::text, display_name) OR username IS DISTINCT FROM $4::text)
     )
     UPDATE contacts SET name = $3::text, updated_at = now() WHERE id = $1 AND name IS NULL AND $3::text IS NOT NULL`,
    [contactId, telegramId, profile.displayName, profile.username],
  );
}
