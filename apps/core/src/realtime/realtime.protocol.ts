/**
 * The agent console's realtime protocol (docs/realtime.md): Socket.IO on core's port, path
 * `/socket.io`, namespace `/realtime`. The console is written against these names and payloads.
 */
export const REALTIME_PATH = '/socket.io';
export const REALTIME_NAMESPACE = '/realtime';
/** Every authenticated socket is in this room; ticket and message events go to it. */
export const AGENTS_ROOM = 'agents';
export const ticketRoom = (ticketId: string): string => `ticket:${ticketId}`;
/** A `ticket.typing { typing: true }` counts for this long unless refreshed. */
export const TYPING_TTL_MS = 6_000;

export const ServerEvent = {
  TicketCreated: 'ticket.created',
  TicketUpdated: 'ticket.updated',
  MessageCreated: 'message.created',
  MessageDelivery: 'message.delivery',
  Presence: 'presence',
} as const;

export const ClientEvent = {
  Watch: 'ticket.watch',
  Unwatch: 'ticket.unwatch',
  Typing: 'ticket.typing',
} as const;

export interface TicketCreatedEvent {
  ticketId: string;
  number: number;
}
export interface TicketUpdatedEvent {
  ticketId: string;
}
export interface MessageCreatedEvent {
  ticketId: string;
  messageId: string;
  direction: string;
  visibility: string;
}
export interface MessageDeliveryEvent {
  ticketId: string;
  messageId: string;
  deliveryStatus: string | null;
  deliveryError: string | null;
}
export interface PresenceAgent {
  agentId: string;
  name: string;
  typing: boolean;
}
export interface PresenceEvent {
  ticketId: string;
  agents: PresenceAgent[];
}

/** The error a refused connection gets (the client's `connect_error` has this message). */
export const UNAUTHORIZED = 'unauthorized';
