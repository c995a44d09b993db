import { StatusKind } from '@switchboard/db';

/** DESIGN §3: which kinds a ticket may move to from each kind (staying within a kind is allowed too, except for closed). */
export const ALLOWED_TRANSITIONS: Readonly<Record<StatusKind, readonly StatusKind[]>> = {
  [StatusKind.Open]: [StatusKind.Pending, StatusKind.OnHold, StatusKind.Resolved],
  [StatusKind.Pending]: [StatusKind.Open, StatusKind.Resolved],
  [StatusKind.OnHold]: [StatusKind.Open, StatusKind.Resolved],
  [StatusKind.Resolved]: [StatusKind.Closed, StatusKind.Open],
  [StatusKind.Closed]: [],
};

export function canTransition(from: StatusKind, to: StatusKind): boolean {
  if (from === to) return from !== StatusKind.Closed;
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** The time-keeping fields a status change touches. */
export interface TicketClock {
  statusKind: StatusKind;
  onHoldUntil: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  resolutionSeconds: number | null;
  activeSeconds: number;
  activeSince: Date | null;
}

const isFinal = (k: StatusKind) => k === StatusKind.Resolved || k === StatusKind.Closed;

const secondsBetween = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/**
 * The clock after moving to `to` at `now`. Resolution time counts only open time: time spent
 * resolved or closed is excluded, so a reopened ticket keeps adding to what it had.
 * Does not check legality (see canTransition); `onHoldUntil` is required for on_hold.
 */
export function nextClock(t: TicketClock, to: StatusKind, now: Date, onHoldUntil?: Date | null): TicketClock {
  const next: TicketClock = { ...t, statusKind: to, onHoldUntil: to === StatusKind.OnHold ? (onHoldUntil ?? null) : null };
  if (!isFinal(t.statusKind) && isFinal(to)) {
    next.activeSeconds = t.activeSeconds + (t.activeSince ? secondsBetween(t.activeSince, now) : 0);
    next.activeSince = null;
    next.resolutionSeconds = next.activeSeconds;
  }
  if (isFinal(t.statusKind) && !isFinal(to)) {
    next.activeSince = now;
    next.resolvedAt = null;
    next.closedAt = null;
  }
  if (to === StatusKind.Resolved && t.statusKind !== StatusKind.Resolved) next.resolvedAt = now;
  if (to === StatusKind.Closed && t.statusKind !== StatusKind.Closed) {
    next.closedAt = now;
    next.resolvedAt ??= now;
  }
  return next;
}

/** When the reopen window is measured from: closing, else resolving. */
export function finishedAt(t: Pick<TicketClock, 'resolvedAt' | 'closedAt'>): Date | null {
  return t.closedAt ?? t.resolvedAt;
}

/**
 * The reopen rule (DESIGN §3): a customer writing on a resolved/closed ticket within the window
 * reopens it; later, a new ticket linked to the old one is opened. Auto-replies never reopen.
 */
export function reopenDecision(
  t: Pick<TicketClock, 'statusKind' | 'resolvedAt' | 'closedAt'>,
  receivedAt: Date,
  windowDays: number,
  autoSubmitted: boolean,
): 'append' | 'reopen' | 'follow_up' {
  if (!isFinal(t.statusKind)) return 'append';
  if (autoSubmitted) return 'append';
  const since = finishedAt(t);
  if (!since) return 'reopen';
  return receivedAt.getTime() - since.getTime() <= windowDays * 86_400_000 ? 'reopen' : 'follow_up';
}
