import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { ChannelIcon, StatusBadge } from '../components/ChannelIcon';
import { isTyping } from '../components/Dialog';
import { ApiError } from '../lib/api-error';
import { formatAge, formatDateTime } from '../lib/format';
import {
  FILTER_CHANNELS,
  FILTER_PRIORITIES,
  FILTER_STATUS_KINDS,
  INBOX_VIEWS,
  PAGE_SIZE,
  TICKET_SORTS,
  readInboxState,
  ticketListQuery,
  writeInboxState,
  type InboxState,
} from '../lib/inbox-query';

export function InboxPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const state = useMemo(() => readInboxState(search), [search]);
  const query = useMemo(() => ticketListQuery(state), [state]);
  const list = useQuery({ queryKey: ['tickets', query], queryFn: () => api.tickets(query), placeholderData: keepPreviousData });
  const [selected, setSelected] = useState(0);
  const [q, setQ] = useState(state.q);
  const rows = list.data?.items ?? [];
  const tableRef = useRef<HTMLTableSectionElement>(null);

  const update = (patch: Partial<InboxState>) => setSearch(writeInboxState({ ...state, page: 1, ...patch }));

  useEffect(() => setQ(state.q), [state.q]);
  useEffect(() => setSelected(0), [query]);
  // Search as the agent types, after a pause.
  useEffect(() => {
    if (q === state.q) return;
    const timer = setTimeout(() => update({ q }), 300);
    return () => clearTimeout(timer);
  }, [q]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || rows.length === 0) return;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        setSelected((s) => Math.min(rows.length - 1, Math.max(0, s + (e.key === 'j' ? 1 : -1))));
      } else if (e.key === 'Enter' && rows[selected]) {
        e.preventDefault();
        void navigate(`/tickets/${rows[selected].id}`);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [rows, selected, navigate]);

  useEffect(() => {
    tableRef.current?.querySelector(`[data-index="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <div className="inbox">
      <nav className="views" aria-label={t('views.title')}>
        <h2 className="views-title">{t('views.title')}</h2>
        <ul>
          {INBOX_VIEWS.map((v) => (
            <li key={v}>
              <button type="button" className={v === state.view ? 'view active' : 'view'} aria-current={v === state.view ? 'page' : undefined} onClick={() => update({ view: v })} data-view={v}>
                {t(`views.${v}`)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="inbox-main" aria-labelledby="inbox-title">
        <div className="inbox-head">
          <h1 id="inbox-title">
            {t(`views.${state.view}`)} <span className="muted" data-testid="ticket-total">{t('inbox.count', { count: total })}</span>
          </h1>
          <p className="muted small">{t('inbox.keys')}</p>
        </div>
        <div className="filters" role="search">
          <label className="field field-inline grow">
            <span className="visually-hidden">{t('inbox.search')}</span>
            <input type="search" value={q} placeholder={t('inbox.searchPlaceholder')} aria-label={t('inbox.search')} onChange={(e) => setQ(e.target.value)} data-testid="search" />
          </label>
          <Select label={t('inbox.status')} value={state.statusKind} onChange={(v) => update({ statusKind: v })} options={FILTER_STATUS_KINDS.map((k) => [k, t(`statusKind.${k}`)])} any={t('inbox.any')} testId="filter-status" />
          <Select label={t('inbox.channel')} value={state.channel} onChange={(v) => update({ channel: v })} options={FILTER_CHANNELS.map((k) => [k, t(`channel.${k}`)])} any={t('inbox.any')} testId="filter-channel" />
          <Select label={t('inbox.priority')} value={state.priority} onChange={(v) => update({ priority: v })} options={FILTER_PRIORITIES.map((k) => [k, t(`priority.${k}`)])} any={t('inbox.any')} testId="filter-priority" />
          <Select label={t('inbox.sort')} value={state.sort} onChange={(v) => update({ sort: v as InboxState['sort'] })} options={TICKET_SORTS.map((k) => [k, t(`sort.${k}`)])} testId="sort" />
        </div>
        {list.isError && (
          <p className="alert alert-error" role="alert">
            {t('inbox.error', { message: list.error instanceof ApiError ? list.error.message : String(list.error) })}
          </p>
        )}
        {list.isPending ? (
          <p className="empty" role="status">
            {t('inbox.loading')}
          </p>
        ) : rows.length === 0 ? (
          <p className="empty">{t('inbox.empty')}</p>
        ) : (
          <table className="tickets" aria-busy={list.isFetching}>
            <thead>
              <tr>
                <th scope="col">{t('inbox.col.number')}</th>
                <th scope="col">{t('inbox.col.subject')}</th>
                <th scope="col">{t('inbox.col.contact')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('inbox.col.channel')}</span>
                </th>
                <th scope="col">{t('inbox.col.status')}</th>
                <th scope="col">{t('inbox.col.age')}</th>
              </tr>
            </thead>
            <tbody ref={tableRef}>
              {rows.map((r, i) => (
                <tr
                  key={r.id}
                  data-index={i}
                  data-testid="ticket-row"
                  data-number={r.number}
                  className={[i === selected ? 'selected' : '', r.unseen ? 'unseen' : ''].join(' ').trim() || undefined}
                  aria-selected={i === selected}
                  onClick={() => setSelected(i)}
                >
                  <td className="num">#{r.number}</td>
                  <td className="subject">
                    <Link to={`/tickets/${r.id}`}>{r.subject}</Link>
                    {r.unseen && <span className="visually-hidden"> ({t('inbox.unseen')})</span>}
                    {r.lastMessagePreview && <span className="preview">{r.lastMessagePreview}</span>}
                  </td>
                  <td>{r.contact?.name ?? '—'}</td>
                  <td>
                    <ChannelIcon channel={r.registrationChannel} />
                  </td>
                  <td>
                    <StatusBadge kind={r.status.kind} name={r.status.name} />
                  </td>
                  <td>
                    <time dateTime={r.updatedAt} title={formatDateTime(r.updatedAt, i18n.language)}>
                      {formatAge(r.updatedAt, i18n.language)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {total > PAGE_SIZE && (
          <nav className="pager" aria-label={t('inbox.pageOf', { page: state.page, pages })}>
            <button type="button" className="btn" disabled={state.page <= 1} onClick={() => update({ page: state.page - 1 })}>
              {t('inbox.prev')}
            </button>
            <span>{t('inbox.pageOf', { page: state.page, pages })}</span>
            <button type="button" className="btn" disabled={state.page >= pages} onClick={() => update({ page: state.page + 1 })}>
              {t('inbox.next')}
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}

function Select(props: { label: string; value: string; onChange: (v: string) => void; options: [string, string][]; any?: string; testId: string }) {
  return (
    <label className="field field-inline">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        {props.any !== undefined && <option value="">{props.any}</option>}
        {props.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
