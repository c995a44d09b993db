/**
 * The JSON core answers with. Core's OpenAPI document describes paths and request bodies (used
 * through schema.d.ts) but not responses, so these mirror apps/core/src/tickets/ticket-views.ts and
 * TicketsService.get by hand.
 */
import type { StatusKind } from '../lib/lifecycle';

export interface Ref {
  id: string;
  name: string | null;
}

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: string;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  agent: Agent;
}

export interface TicketRow {
  id: string;
  number: number;
  subject: string;
  status: { key: string; name: string; kind: StatusKind };
  priority: string;
  type: string;
  registrationChannel: string;
  line: number;
  contact: Ref | null;
  company: Ref | null;
  responsibleAgent: Ref | null;
  responsibleGroup: Ref | null;
  onHoldUntil: string | null;
  createdAt: string;
  updatedAt: string;
  lastCustomerMessageAt: string | null;
  /** Being added in core: whether the agent has not seen the ticket's latest activity. */
  unseen?: boolean;
  /** Not in the list API yet; shown when it appears. */
  lastMessagePreview?: string | null;
}

export interface TicketPage {
  items: TicketRow[];
  total: number;
  page: number | null;
  pageSize: number;
  nextCursor: string | null;
}

export interface Attachment {
  id: string;
  messageId: string | null;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  authorKind: string;
  authorContactName: string | null;
  authorAgentName: string | null;
  visibility: 'public' | 'internal';
  channel: string | null;
  contactAddress: string | null;
  subject: string | null;
  text: string | null;
  deliveryStatus: DeliveryStatus | null;
  deliveryError: string | null;
  threadedBy: string | null;
  threadedByValue: string | null;
  warning: string | null;
  autoSubmitted: boolean;
  receivedAt: string | null;
  createdAt: string;
  attachments: Attachment[];
}

export interface TicketDetail extends TicketRow {
  observers: Ref[];
  messages: Message[];
  attachments: Attachment[];
}

/** `GET /canned-responses` (apps/core/src/canned-responses): every group with its responses. */
export interface CannedResponse {
  id: string;
  groupId: string;
  title: string;
  body: string;
  position: number;
}

export interface CannedGroup {
  id: string;
  name: string;
  position: number;
  responses: CannedResponse[];
}

/** `GET /agents` (admin only), `GET /groups`, `GET /statuses`: what the admin screens read. */
export interface AdminAgent {
  id: string;
  email: string;
  name: string;
  role: string;
  active: boolean;
  groups?: { id: string; name: string; line: number | null }[];
}

export interface AdminGroup {
  id: string;
  name: string;
  line: 1 | 2 | null;
  memberCount: number;
}

export interface AdminStatus {
  key: string;
  name: string;
  kind: StatusKind;
  isSystem: boolean;
  position: number;
}
