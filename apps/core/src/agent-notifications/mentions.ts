import type { EntityManager } from 'typeorm';

/**
 * Mentions in an internal note. Two forms:
 * - the console's token `@[Anna Petrova](agent:<agent uuid>)` (the name is only for display), and
 * - `@<agent e-mail>` typed by hand, e.g. `@anna@example.com`.
 * Unknown, inactive or self mentions are ignored; the note is saved all the same.
 */
export interface Mentions {
  agentIds: string[];
  emails: string[];
}

const TOKEN = /@\[[^\]\n]{0,200}\]\(agent:([0-9a-fA-F-]{36})\)/g;
// Not preceded by a word character (so "me@x.org" is no mention), then @ and an address.
const EMAIL = /(?<![\w.%+-])@([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63})/g;

export function parseMentions(body: string): Mentions {
  const agentIds = new Set<string>();
  const emails = new Set<string>();
  const rest = body.replace(TOKEN, (_m, id: string) => {
    agentIds.add(id.toLowerCase());
    return ' ';
  });
  for (const m of rest.matchAll(EMAIL)) emails.add(m[1].toLowerCase().replace(/\.$/, ''));
  return { agentIds: [...agentIds].slice(0, 50), emails: [...emails].slice(0, 50) };
}

/**
 * Writes a `mention` notification for every active agent the note mentions (not its author), in
 * the note's transaction. Returns the ids of the agents notified.
 */
export async function notifyMentions(em: EntityManager, note: { ticketId: string; messageId: string; authorId: string; body: string }): Promise<string[]> {
  const { agentIds, emails } = parseMentions(note.body);
  if (!agentIds.length && !emails.length) return [];
  const rows = await em.query<{ agent_id: string }[]>(
    `INSERT INTO agent_notifications (agent_id, kind, ticket_id, message_id, actor_agent_id)
     SELECT a.id, 'mention', $1, $2, $3 FROM agents a
      WHERE a.active AND a.id <> $3 AND (a.id = ANY($4::uuid[]) OR a.email = ANY($5::text[]))
     ON CONFLICT (message_id, agent_id) DO NOTHING
     RETURNING agent_id`,
    [note.ticketId, note.messageId, note.authorId, agentIds, emails],
  );
  return rows.map((r) => r.agent_id);
}
