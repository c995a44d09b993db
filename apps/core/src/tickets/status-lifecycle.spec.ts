import { StatusKind } from '@switchboard/db';
import { canTransition, nextClock, reopenDecision, type TicketClock } from './status-lifecycle.js';

const { Open, Pending, OnHold, Resolved, Closed } = StatusKind;
const at = (iso: string) => new Date(`2026-01-01T${iso}Z`);

const fresh = (): TicketClock => ({
  statusKind: Open,
  onHoldUntil: null,
  resolvedAt: null,
  closedAt: null,
  resolutionSeconds: null,
  activeSeconds: 0,
  activeSince: at('10:00:00'),
});

describe('canTransition', () => {
  it.each([
    [Open, Pending],
    [Open, OnHold],
    [Open, Resolved],
    [Pending, Open],
    [Pending, Resolved],
    [OnHold, Open],
    [OnHold, Resolved],
    [Resolved, Closed],
    [Resolved, Open],
    [Open, Open],
  ])('allows %s → %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each([
    [Open, Closed],
    [Pending, OnHold],
    [Pending, Closed],
    [OnHold, Pending],
    [Resolved, Pending],
    [Closed, Open],
    [Closed, Resolved],
    [Closed, Closed],
  ])('refuses %s → %s', (from, to) => expect(canTransition(from, to)).toBe(false));
});

describe('nextClock', () => {
  it('counts open time up to resolution', () => {
    const resolved = nextClock(fresh(), Resolved, at('10:30:00'));
    expect(resolved).toMatchObject({ resolvedAt: at('10:30:00'), activeSince: null, activeSeconds: 1800, resolutionSeconds: 1800 });
  });

  it('excludes the time spent resolved when a ticket is reopened and resolved again', () => {
    let t = nextClock(fresh(), Resolved, at('10:30:00'));
    t = nextClock(t, Open, at('12:00:00'));
    expect(t).toMatchObject({ resolvedAt: null, activeSince: at('12:00:00'), activeSeconds: 1800 });
    t = nextClock(t, Resolved, at('12:10:00'));
    expect(t.resolutionSeconds).toBe(2400);
  });

  it('counts pending and on-hold time as open time', () => {
    let t = nextClock(fresh(), Pending, at('10:10:00'));
    t = nextClock(t, Open, at('10:20:00'));
    t = nextClock(t, OnHold, at('10:25:00'), at('11:00:00'));
    expect(t.onHoldUntil).toEqual(at('11:00:00'));
    t = nextClock(t, Resolved, at('11:00:00'));
    expect(t.resolutionSeconds).toBe(3600);
    expect(t.onHoldUntil).toBeNull();
  });

  it('stamps closing without moving the resolution time', () => {
    const resolved = nextClock(fresh(), Resolved, at('10:30:00'));
    const closed = nextClock(resolved, Closed, at('15:00:00'));
    expect(closed).toMatchObject({ closedAt: at('15:00:00'), resolvedAt: at('10:30:00'), resolutionSeconds: 1800 });
  });
});

describe('reopenDecision', () => {
  const resolvedOn = (iso: string) => ({ statusKind: Resolved, resolvedAt: new Date(iso), closedAt: null });

  it('appends to a ticket that is still being worked on', () => {
    expect(reopenDecision({ statusKind: Pending, resolvedAt: null, closedAt: null }, new Date(), 7, false)).toBe('append');
  });

  it('reopens within the window, measured from resolution', () => {
    expect(reopenDecision(resolvedOn('2026-01-01T00:00:00Z'), new Date('2026-01-07T23:59:00Z'), 7, false)).toBe('reopen');
  });

  it('opens a follow-up after the window', () => {
    expect(reopenDecision(resolvedOn('2026-01-01T00:00:00Z'), new Date('2026-01-08T00:00:01Z'), 7, false)).toBe('follow_up');
  });

  it('measures a closed ticket from its closing', () => {
    const t = { statusKind: Closed, resolvedAt: new Date('2026-01-01T00:00:00Z'), closedAt: new Date('2026-01-05T00:00:00Z') };
    expect(reopenDecision(t, new Date('2026-01-10T00:00:00Z'), 7, false)).toBe('reopen');
  });

  it('never reopens for an auto-reply', () => {
    expect(reopenDecision(resolvedOn('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z'), 7, true)).toBe('append');
  });

  it('with a zero window, always follows up', () => {
    expect(reopenDecision(resolvedOn('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:01Z'), 0, false)).toBe('follow_up');
  });
});
