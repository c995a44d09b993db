import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { call, client } from '../../api/client';
import type { TicketDetail, TicketPage } from '../../api/types';
import { ApiError } from '../../lib/api-error';
import { formatDateTime } from '../../lib/format';
import { StatusBadge } from '../ChannelIcon';

/** `GET /contacts/{id}` (hand-written: core's OpenAPI document has no response shapes). */
export interface ContactIdentity {
  id: string;
  /** `email`, `phone` or `telegram`. */
  kind: string;
  value: string;
  displayName?: string | null;
  username?: string | null;
  optedOutAt: string | null;
}
export interface ContactDetail {
  id: string;
  name: string | null;
  companyId: string | null;
  company: { id: string; name: string } | null;
  identities: ContactIdentity[];
}
export interface HistoryEvent {
  id: string;
  kind: string;
  /** `agent`, `contact` or `system`. */
  actorKind: string;
  actorAgentName: string | null;
  actorContactId: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

export const sideApi = {
  contact: (id: string) => call<ContactDetail>('/api/v1/contacts/{id}', () => client.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  renameContact: (id: string, name: string) =>
    call<ContactDetail>('/api/v1/contacts/{id}', () => client.PATCH('/api/v1/contacts/{id}', { params: { path: { id } }, body: { name } })),
  related: (id: string) =>
    call<TicketPage>('/api/v1/tickets/{id}/related', () =>
      client.GET('/api/v1/tickets/{id}/related', { params: { path: { id } }, querySerializer: () => 'pageSize=10' }),
    ),
  history: (id: string) =>
    call<{ items: HistoryEvent[]; total: number }>('/api/v1/tickets/{id}/history', () => client.GET('/api/v1/tickets/{id}/history', { params: { path: { id } } })),
};

const errorText = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

export function SidePanel({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  return (
    <aside className="side" aria-label={t('ticket.side.label')} data-testid="side-panel">
      {ticket.contact ? <ContactCard contactId={ticket.contact.id} ticketId={ticket.id} /> : <p className="muted">{t('ticket.side.noContact')}</p>}
      <Related ticketId={ticket.id} />
      <History ticketId={ticket.id} />
    </aside>
  );
}

function ContactCard({ contactId, ticketId }: { contactId: string; ticketId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const contact = useQuery({ queryKey: ['contact', contactId], queryFn: () => sideApi.contact(contactId) });
  const [editing, setEditing] = useState<string | null>(null);
  const rename = useMutation({
    mutationFn: (name: string) => sideApi.renameContact(contactId, name),
    onSuccess: (data) => {
      queryClient.setQueryData(['contact', contactId], data);
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticketId] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
  });

  return (
    <section className="side-card" aria-labelledby="side-contact" data-testid="contact-card">
      <h2 id="side-contact">{t('ticket.side.contact')}</h2>
      {contact.isPending && <p className="muted small">{t('ticket.side.loading')}</p>}
      {contact.isError && <p className="error small">{errorText(contact.error)}</p>}
      {contact.data &&
        (editing === null ? (
          <div className="side-name">
            <strong data-testid="contact-name">{contact.data.name ?? t('ticket.side.noName')}</strong>
            <button type="button" className="btn btn-small" onClick={() => setEditing(contact.data.name ?? '')} data-testid="contact-edit">
              {t('ticket.side.edit')}
            </button>
          </div>
        ) : (
          <form
            className="side-edit"
            onSubmit={(e) => {
              e.preventDefault();
              if (editing.trim()) rename.mutate(editing.trim());
            }}
          >
            <label className="field">
              <span>{t('ticket.side.name')}</span>
              <input value={editing} onChange={(e) => setEditing(e.target.value)} maxLength={200} autoFocus data-testid="contact-name-input" />
            </label>
            {rename.isError && <p className="error small">{errorText(rename.error)}</p>}
            <div className="dialog-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
                {t('ticket.cancel')}
              </button>
              <button type="submit" className="btn btn-small btn-primary" disabled={!editing.trim() || rename.isPending} data-testid="contact-save">
                {t('ticket.side.save')}
              </button>
            </div>
          </form>
        ))}
      {contact.data && (
        <>
          <ul className="identities" aria-label={t('ticket.side.identities')}>
            {contact.data.identities.map((i) => (
              <li key={i.id} data-testid="identity" data-kind={i.kind}>
                <span className="muted small">{t(`ticket.side.kind.${i.kind}`, { defaultValue: i.kind })}</span>{' '}
                <span className="identity-value">
                  {i.kind === 'telegram' ? (i.username ? `@${i.username}` : (i.displayName ?? i.value)) : i.value}
                </span>
                {i.kind === 'telegram' && i.username && i.displayName && <span className="muted small"> {i.displayName}</span>}
                {i.optedOutAt && (
                  <span className="tag tag-optout" title={formatDateTime(i.optedOutAt, i18n.language)} data-testid="opted-out">
                    {t('ticket.side.optedOut')}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <p className="small">
            <span className="muted">{t('ticket.side.company')}:</span> {contact.data.company?.name ?? '—'}
          </p>
        </>
      )}
    </section>
  );
}

function Related({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const related = useQuery({ queryKey: ['ticket', ticketId, 'related'], queryFn: () => sideApi.related(ticketId) });
  return (
    <section className="side-card" aria-labelledby="side-related" data-testid="related">
      <h2 id="side-related">{t('ticket.side.related')}</h2>
      {related.isPending && <p className="muted small">{t('ticket.side.loading')}</p>}
      {related.isError && <p className="error small">{errorText(related.error)}</p>}
      {related.data && related.data.items.length === 0 && <p className="muted small">{t('ticket.side.noRelated')}</p>}
      {related.data && related.data.items.length > 0 && (
        <ul className="related">
          {related.data.items.map((r) => (
            <li key={r.id}>
              <Link to={`/tickets/${r.id}`} data-testid="related-ticket">
                <span className="muted">#{r.number}</span> {r.subject}
              </Link>{' '}
              <StatusBadge kind={r.status.kind} name={r.status.name} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What an event says, e.g. "Status: Open → Resolved"; the known fields only, never raw JSON. */
function describe(e: HistoryEvent, t: TFunction): string {
  const d = e.data ?? {};
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  const what = t(`ticket.side.event.${e.kind}`, { defaultValue: e.kind.replace(/_/g, ' ') });
  const from = str(d.fromName ?? d.from);
  const to = str(d.toName ?? d.to);
  if (e.kind === 'status_changed' && to) return `${what}: ${from ? `${from} → ` : ''}${to}`;
  return what;
}

function History({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation();
  // Under ['ticket', id]: refetched whenever the ticket is (after an action, on a realtime event).
  const history = useQuery({ queryKey: ['ticket', ticketId, 'history'], queryFn: () => sideApi.history(ticketId) });
  return (
    <section className="side-card" aria-labelledby="side-history" data-testid="history">
      <h2 id="side-history">{t('ticket.side.history')}</h2>
      {history.isPending && <p className="muted small">{t('ticket.side.loading')}</p>}
      {history.isError && <p className="error small">{errorText(history.error)}</p>}
      {history.data && (
        <ol className="history">
          {history.data.items.map((e) => (
            <li key={e.id} data-testid="history-event" data-kind={e.kind}>
              <span>{describe(e, t)}</span>
              <span className="muted small">
                {e.actorAgentName ?? t(e.actorKind === 'contact' ? 'ticket.customer' : 'ticket.system')} ·{' '}
                <time dateTime={e.createdAt}>{formatDateTime(e.createdAt, i18n.language)}</time>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
