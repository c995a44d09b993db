/**
 * The ticket status lifecycle as core enforces it (apps/core/src/tickets/status-lifecycle.ts):
 * test/console/console-helpers.spec.ts fails when the two differ.
 */
export type StatusKind = 'open' | 'pending' | 'on_hold' | 'resolved' | 'closed';

export const STATUS_KINDS: readonly StatusKind[] = ['open', 'pending', 'on_hold', 'resolved', 'closed'];

export const ALLOWED_TRANSITIONS: Readonly<Record<StatusKind, readonly StatusKind[]>> = {
  open: ['pending', 'on_hold', 'resolved'],
  pending: ['open', 'resolved'],
  on_hold: ['open', 'resolved'],
  resolved: ['closed', 'open'],
  closed: [],
};

export function isStatusKind(v: string): v is StatusKind {
  return (STATUS_KINDS as readonly string[]).includes(v);
}

/** The kinds an agent may move a ticket of this kind to (not counting staying where it is). */
export function nextKinds(from: string): readonly StatusKind[] {
  return isStatusKind(from) ? ALLOWED_TRANSITIONS[from] : [];
}

export function canTransition(from: string, to: string): boolean {
  if (!isStatusKind(from) || !isStatusKind(to)) return false;
  if (from === to) return from !== 'closed';
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** The system status key of each kind (statuses with is_system: the keys equal the kinds). */
export function statusKeyFor(kind: StatusKind): string {
  return kind;
}
