/** The console's pure helpers (apps/console/src/lib): the lifecycle mirror, API errors, inbox queries, formatting. */
import { ALLOWED_TRANSITIONS as CORE_TRANSITIONS, canTransition as coreCanTransition } from '../../apps/core/src/tickets/status-lifecycle.js';
import { ApiError, isSessionExpired, shouldRetry, toApiError } from '../../apps/console/src/lib/api-error.js';
import { formatAge, localInputToIso } from '../../apps/console/src/lib/format.js';
import { readInboxState, ticketListQuery, writeInboxState } from '../../apps/console/src/lib/inbox-query.js';
import { ALLOWED_TRANSITIONS, STATUS_KINDS, canTransition, nextKinds } from '../../apps/console/src/lib/lifecycle.js';
import { StatusKind } from '@switchboard/db';

describe('console status lifecycle mirror', () => {
  it('is exactly the lifecycle core enforces', () => {
    expect(ALLOWED_TRANSITIONS).toEqual(CORE_TRANSITIONS);
    expect([...STATUS_KINDS].sort()).toEqual(Object.values(StatusKind).sort());
    for (const from of STATUS_KINDS) for (const to of STATUS_KINDS) expect([from, to, canTransition(from, to)]).toEqual([from, to, coreCanTransition(from as StatusKind, to as StatusKind)]);
  });

  it('offers nothing from closed, and nothing for an unknown kind', () => {
    expect(nextKinds('closed')).toEqual([]);
    expect(nextKinds('open')).toEqual(['pending', 'on_hold', 'resolved']);
    expect(nextKinds('weird')).toEqual([]);
    expect(canTransition('pending', 'on_hold')).toBe(false);
  });
});

describe('console API errors', () => {
  it('reads core’s error envelope', () => {
    const err = toApiError(409, { error: { code: 'illegal_status_transition', message: 'cannot go there', errorId: 'e1' } });
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.message, err.errorId]).toEqual([409, 'illegal_status_transition', 'cannot go there', 'e1']);
  });

  it('falls back for bodies that are not the envelope and for network failures', () => {
    expect([toApiError(502, '<html>').code, toApiError(502, null).message]).toEqual(['http_502', 'The server answered 502']);
    expect(toApiError(0, undefined).code).toBe('network_error');
  });

  it('treats a 401 as an expired session, except on the login itself', () => {
    expect(isSessionExpired(toApiError(401, null), '/api/v1/tickets')).toBe(true);
    expect(isSessionExpired(toApiError(401, null), '/api/v1/auth/login')).toBe(false);
    expect(isSessionExpired(toApiError(403, null), '/api/v1/tickets')).toBe(false);
    expect(isSessionExpired(new Error('x'), '/api/v1/tickets')).toBe(false);
  });

  it('retries server and network failures a little, client errors never', () => {
    expect(shouldRetry(0, toApiError(404, null))).toBe(false);
    expect(shouldRetry(0, toApiError(503, null))).toBe(true);
    expect(shouldRetry(2, toApiError(0, null))).toBe(false);
  });
});

describe('console inbox query', () => {
  it('maps views to the list API’s filters and lets the filter bar narrow them', () => {
    const mine = readInboxState(new URLSearchParams(''));
    expect(ticketListQuery(mine)).toEqual({ responsible: 'me', statusKind: 'open,pending,on_hold', sort: '-updatedAt', page: '1', pageSize: '25' });
    const s = readInboxState(new URLSearchParams('view=unassigned&status=pending&channel=email&priority=high&q=%20refund%20&sort=number&page=3'));
    expect(ticketListQuery(s)).toEqual({ responsible: 'none', statusKind: 'pending', channel: 'email', priority: 'high', q: 'refund', sort: 'number', page: '3', pageSize: '25' });
    expect(ticketListQuery(readInboxState(new URLSearchParams('view=all')))).toEqual({ sort: '-updatedAt', page: '1', pageSize: '25' });
  });

  it('ignores values it does not know and round-trips through the URL', () => {
    const s = readInboxState(new URLSearchParams('view=hacker&status=x&sort=drop&page=-2'));
    expect([s.view, s.statusKind, s.sort, s.page]).toEqual(['mine', '', '-updatedAt', 1]);
    const t = readInboxState(new URLSearchParams('view=on_hold&channel=sms&page=2'));
    expect(writeInboxState(t).toString()).toBe('view=on_hold&channel=sms&page=2');
  });
});

describe('console formatting', () => {
  it('says how long ago in the agent’s language', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(formatAge('2026-01-10T11:55:00Z', 'en', now)).toBe('5 min. ago');
    expect(formatAge('2026-01-07T12:00:00Z', 'en', now)).toBe('3 days ago');
    expect(formatAge('not a date', 'en', now)).toBe('');
  });

  it('turns a datetime-local value into an ISO instant', () => {
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('nonsense')).toBeNull();
    expect(localInputToIso('2026-03-01T09:30')).toBe(new Date(2026, 2, 1, 9, 30).toISOString());
  });
});
