/** The inbox's views, filters, sort and paging, and the GET /api/v1/tickets query they make. */

export const INBOX_VIEWS = ['mine', 'unassigned', 'pending', 'on_hold', 'all'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export const TICKET_SORTS = ['-updatedAt', 'updatedAt', '-createdAt', 'createdAt', '-number', 'number', '-priority', 'priority'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export const FILTER_STATUS_KINDS = ['open', 'pending', 'on_hold', 'resolved', 'closed'] as const;
export const FILTER_CHANNELS = ['email', 'telegram', 'sms', 'webform', 'console', 'api', 'phone'] as const;
export const FILTER_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export interface InboxState {
  view: InboxView;
  statusKind: string;
  channel: string;
  priority: string;
  q: string;
  sort: TicketSort;
  page: number;
}

export const PAGE_SIZE = 25;

/** What each view means in the list API's filters. */
const VIEW_FILTERS: Record<InboxView, Record<string, string>> = {
  mine: { responsible: 'me', statusKind: 'open,pending,on_hold' },
  unassigned: { responsible: 'none', statusKind: 'open,pending,on_hold' },
  pending: { statusKind: 'pending' },
  on_hold: { statusKind: 'on_hold' },
  all: {},
};

const oneOf = <T extends string>(list: readonly T[], v: string | null, fallback: T): T => (v && (list as readonly string[]).includes(v) ? (v as T) : fallback);

/** The inbox state in the page's URL search parameters (so views are linkable and survive reloads). */
export function readInboxState(search: URLSearchParams): InboxState {
  const page = Number(search.get('page'));
  return {
    view: oneOf(INBOX_VIEWS, search.get('view'), 'mine'),
    statusKind: oneOf(['', ...FILTER_STATUS_KINDS], search.get('status'), ''),
    channel: oneOf(['', ...FILTER_CHANNELS], search.get('channel'), ''),
    priority: oneOf(['', ...FILTER_PRIORITIES], search.get('priority'), ''),
    q: (search.get('q') ?? '').slice(0, 200),
    sort: oneOf(TICKET_SORTS, search.get('sort'), '-updatedAt'),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

export function writeInboxState(s: InboxState): URLSearchParams {
  const out = new URLSearchParams();
  if (s.view !== 'mine') out.set('view', s.view);
  if (s.statusKind) out.set('status', s.statusKind);
  if (s.channel) out.set('channel', s.channel);
  if (s.priority) out.set('priority', s.priority);
  if (s.q.trim()) out.set('q', s.q.trim());
  if (s.sort !== '-updatedAt') out.set('sort', s.sort);
  if (s.page > 1) out.set('page', String(s.page));
  return out;
}

/** The list API's query: the view's filters, narrowed by the filter bar (a status filter replaces the view's kinds). */
export function ticketListQuery(s: InboxState): Record<string, string> {
  const q: Record<string, string> = { ...VIEW_FILTERS[s.view] };
  if (s.statusKind) q.statusKind = s.statusKind;
  if (s.channel) q.channel = s.channel;
  if (s.priority) q.priority = s.priority;
  if (s.q.trim()) q.q = s.q.trim();
  q.sort = s.sort;
  q.page = String(s.page);
  q.pageSize = String(PAGE_SIZE);
  return q;
}
