import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import {
  AGENTS_ROOM,
  ServerEvent,
  type MessageCreatedEvent,
  type MessageDeliveryEvent,
  type TicketCreatedEvent,
  type TicketUpdatedEvent,
} from './realtime.protocol.js';

/**
 * What the rest of core calls, after its transaction has committed, to tell every agent console
 * what changed. The events carry ids only: the console re-reads what it shows through the API.
 * Fire and forget: emitting is synchronous and cheap (the Redis adapter publishes in the
 * background), never throws, and does nothing where realtime is off (REALTIME_ENABLED=false) or
 * before the socket server is up.
 */
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger(RealtimePublisher.name);
  private nsp: Namespace | undefined;
  private lastError = '';

  /** Called by the gateway once its namespace exists; undefined again when it closes. */
  attach(nsp: Namespace | undefined): void {
    this.nsp = nsp;
  }

  ticketCreated(e: TicketCreatedEvent): void {
    this.emit(ServerEvent.TicketCreated, { ticketId: e.ticketId, number: Number(e.number) });
  }

  ticketUpdated(e: TicketUpdatedEvent): void {
    this.emit(ServerEvent.TicketUpdated, { ticketId: e.ticketId });
  }

  messageCreated(e: MessageCreatedEvent): void {
    this.emit(ServerEvent.MessageCreated, { ticketId: e.ticketId, messageId: e.messageId, direction: e.direction, visibility: e.visibility });
  }

  messageDelivery(e: MessageDeliveryEvent): void {
    this.emit(ServerEvent.MessageDelivery, {
      ticketId: e.ticketId,
      messageId: e.messageId,
      deliveryStatus: e.deliveryStatus,
      deliveryError: e.deliveryError,
    });
  }

  private emit(event: string, payload: object): void {
    if (!this.nsp) return;
    try {
      this.nsp.to(AGENTS_ROOM).emit(event, payload);
    } catch (err) {
      // A realtime hiccup never fails the job or request that caused the event.
      const message = (err as Error).message;
      if (message !== this.lastError) this.logger.warn({ err: message, event }, `could not emit ${event}: ${message}`);
      this.lastError = message;
    }
  }
}
