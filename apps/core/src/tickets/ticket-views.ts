/** The JSON shapes the tickets API returns, built from flat SQL rows. */

export interface TicketListRow {
  id: string;
  number: number;
  subject: string;
  status_key: string;
  status_name: string;
  status_kind: string;
  priority: string;
  type: string;
  registration_channel: string;
  line: number;
  contact_id: string | null;
  contact_name: string | null;
  company_id: string | null;
  company_name: string | null;
  responsible_agent_id: string | null;
  responsible_agent_name: string | null;
  responsible_group_id: string | null;
  responsible_group_name: string | null;
  parent_ticket_id: string | null;
  on_hold_until: Date | null;
  created_at: Date;
  updated_at: Date;
  last_customer_message_at: Date | null;
  first_response_at: Date | null;
  first_response_seconds: number | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  resolution_seconds: number | null;
  rating: number | null;
  rated_at: Date | null;
  custom_attributes?: Record<string, unknown>;
}

export const TICKET_SELECT = `
  t.id, t.number::int AS number, t.subject, t.status_key, s.name AS status_name, t.status_kind, t.priority, t.type,
  t.registration_channel, t.line, t.contact_id, c.name AS contact_name, t.company_id, co.name AS company_name,
  t.responsible_agent_id, a.name AS responsible_agent_name, t.responsible_group_id, g.name AS responsible_group_name,
  t.parent_ticket_id, t.on_hold_until, t.created_at, t.updated_at, t.last_customer_message_at, t.first_response_at,
  t.first_response_seconds, t.resolved_at, t.closed_at, t.resolution_seconds, t.rating, t.rated_at`;

export const TICKET_JOINS = `
  JOIN statuses s ON s.key = t.status_key
  LEFT JOIN contacts c ON c.id = t.contact_id
  LEFT JOIN companies co ON co.id = t.company_id
  LEFT JOIN agents a ON a.id = t.responsible_agent_id
  LEFT JOIN agent_groups g ON g.id = t.responsible_group_id`;

const ref = (id: string | null, name: string | null) => (id ? { id, name } : null);

export function ticketView(r: TicketListRow) {
  return {
    id: r.id,
    number: r.number,
    subject: r.subject,
    status: { key: r.status_key, name: r.status_name, kind: r.status_kind },
    priority: r.priority,
    type: r.type,
    registrationChannel: r.registration_channel,
    line: r.line,
    contact: ref(r.contact_id, r.contact_name),
    company: ref(r.company_id, r.company_name),
    responsibleAgent: ref(r.responsible_agent_id, r.responsible_agent_name),
    responsibleGroup: ref(r.responsible_group_id, r.responsible_group_name),
    parentTicketId: r.parent_ticket_id,
    onHoldUntil: r.on_hold_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastCustomerMessageAt: r.last_customer_message_at,
    firstResponseAt: r.first_response_at,
    firstResponseSeconds: r.first_response_seconds,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    resolutionSeconds: r.resolution_seconds,
    /** The customer's 1–5 rating (e.g. from the Telegram resolution survey), and when they gave it. */
    rating: r.rating,
    ratedAt: r.rated_at,
    ...(r.custom_attributes ? { customAttributes: r.custom_attributes } : {}),
  };
}
