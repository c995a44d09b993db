import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import { useAuth } from './auth';

/** Who else is on a ticket, as the realtime gateway reports it. */
export interface PresenceAgent {
  agentId: string;
  name: string;
  typing: boolean;
}

interface RealtimeValue {
  connected: boolean;
  /** Follow a ticket's presence while the page is open; returns the unwatch. */
  watch: (ticketId: string) => () => void;
  typing: (ticketId: string, typing: boolean) => void;
  presence: Readonly<Record<string, PresenceAgent[]>>;
}

const noop = () => undefined;
const RealtimeContext = createContext<RealtimeValue>({ connected: false, watch: () => noop, typing: noop, presence: {} });

interface ServerEvents {
  'ticket.created': (e: { ticketId: string; number: number }) => void;
  'ticket.updated': (e: { ticketId: string }) => void;
  'message.created': (e: { ticketId: string; messageId: string; direction: string; visibility: string }) => void;
  'message.delivery': (e: { ticketId: string; messageId: string; deliveryStatus: string; deliveryError: string | null }) => void;
  presence: (e: { ticketId: string; agents: PresenceAgent[] }) => void;
}
interface ClientEvents {
  'ticket.watch': (e: { ticketId: string }) => void;
  'ticket.unwatch': (e: { ticketId: string }) => void;
  'ticket.typing': (e: { ticketId: string; typing: boolean }) => void;
}

/**
 * One Socket.IO connection to core's /realtime namespace while signed in. Events invalidate the
 * matching queries. Without a gateway on the server the client retries quietly with a long backoff
 * and the console works as before (it just refreshes on its own actions).
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [presence, setPresence] = useState<Record<string, PresenceAgent[]>>({});
  const socketRef = useRef<Socket<ServerEvents, ClientEvents> | null>(null);
  const watched = useRef(new Map<string, number>());
  const token = session?.token;

  useEffect(() => {
    if (!token) return;
    const socket: Socket<ServerEvents, ClientEvents> = io('/realtime', {
      path: '/socket.io',
      auth: { token },
      reconnectionDelay: 3_000,
      reconnectionDelayMax: 60_000,
      timeout: 10_000,
    });
    socketRef.current = socket;
    const tickets = () => void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    const ticket = (id: string) => void queryClient.invalidateQueries({ queryKey: ['ticket', id] });
    let connectedBefore = false;
    socket.on('connect', () => {
      setConnected(true);
      // Events are at-most-once: after a reconnect, re-read what is shown and watch again (rooms do not survive).
      if (connectedBefore) void queryClient.invalidateQueries();
      connectedBefore = true;
      for (const ticketId of watched.current.keys()) socket.emit('ticket.watch', { ticketId });
    });
    socket.on('disconnect', () => setConnected(false));
    // No gateway (REALTIME_ENABLED=false, an older core): stay quiet, socket.io retries with a long backoff.
    // A refused token ('unauthorized') is not retried; the next REST call's 401 ends the session anyway.
    socket.on('connect_error', () => setConnected(false));
    socket.on('ticket.created', tickets);
    socket.on('ticket.updated', (e) => {
      tickets();
      ticket(e.ticketId);
    });
    socket.on('message.created', (e) => {
      tickets();
      ticket(e.ticketId);
    });
    socket.on('message.delivery', (e) => ticket(e.ticketId));
    socket.on('presence', (e) => setPresence((p) => ({ ...p, [e.ticketId]: e.agents })));
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
      setConnected(false);
    };
  }, [token, queryClient]);

  // Stable across presence updates, so pages can depend on them in effects.
  const watch = useCallback((ticketId: string) => {
    const n = watched.current.get(ticketId) ?? 0;
    watched.current.set(ticketId, n + 1);
    if (n === 0 && socketRef.current?.connected) socketRef.current.emit('ticket.watch', { ticketId });
    return () => {
      const left = (watched.current.get(ticketId) ?? 1) - 1;
      if (left > 0) return void watched.current.set(ticketId, left);
      watched.current.delete(ticketId);
      if (socketRef.current?.connected) socketRef.current.emit('ticket.unwatch', { ticketId });
      setPresence(({ [ticketId]: _gone, ...rest }) => rest);
    };
  }, []);
  const typing = useCallback((ticketId: string, on: boolean) => {
    if (socketRef.current?.connected) socketRef.current.emit('ticket.typing', { ticketId, typing: on });
  }, []);
  const value = useMemo<RealtimeValue>(() => ({ connected, presence, watch, typing }), [connected, presence, watch, typing]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  return useContext(RealtimeContext);
}
