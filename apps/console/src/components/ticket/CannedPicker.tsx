import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, client } from '../../api/client';
import { ApiError } from '../../lib/api-error';
import { Dialog } from '../Dialog';

/** `GET /canned-responses` (hand-written: core's OpenAPI document has no response shapes). */
export interface CannedResponse {
  id: string;
  groupId: string;
  title: string;
  body: string;
}
export interface CannedGroup {
  id: string;
  name: string;
  responses: CannedResponse[];
}

export const cannedApi = {
  grouped: () => call<{ groups: CannedGroup[] }>('/api/v1/canned-responses', () => client.GET('/api/v1/canned-responses')),
  render: (id: string, ticketId: string) =>
    call<{ body: string }>('/api/v1/canned-responses/{id}/render', () =>
      client.POST('/api/v1/canned-responses/{id}/render', { params: { path: { id } }, body: { ticketId } }),
    ),
};

const matches = (r: CannedResponse, q: string) => !q || r.title.toLowerCase().includes(q) || r.body.toLowerCase().includes(q);

/** Groups on the left, their responses on the right, a filter box; choosing one renders it for the ticket. */
export function CannedPicker({ ticketId, onClose, onInsert }: { ticketId: string; onClose: () => void; onInsert: (text: string) => void }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [groupId, setGroupId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const data = useQuery({ queryKey: ['canned-responses'], queryFn: cannedApi.grouped });
  const q = filter.trim().toLowerCase();
  const groups = (data.data?.groups ?? []).map((g) => ({ ...g, responses: g.responses.filter((r) => matches(r, q)) })).filter((g) => !q || g.responses.length > 0);
  const current = groups.find((g) => g.id === groupId) ?? groups[0];

  const choose = async (r: CannedResponse) => {
    setBusy(true);
    setError(null);
    try {
      const { body } = await cannedApi.render(r.id, ticketId);
      onInsert(body);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('ticket.canned.title')} onClose={onClose} testId="canned-dialog">
      <label className="field">
        <span className="visually-hidden">{t('ticket.canned.filter')}</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)}
          // The picker sits inside the composer's form: Enter here must not send the reply.
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
          placeholder={t('ticket.canned.filter')} aria-label={t('ticket.canned.filter')} data-testid="canned-filter" />
      </label>
      {data.isPending && <p className="muted">{t('ticket.canned.loading')}</p>}
      {data.isError && (
        <p className="alert alert-error" role="alert">
          {t('ticket.canned.loadFailed', { message: data.error instanceof ApiError ? data.error.message : String(data.error) })}
        </p>
      )}
      {data.isSuccess && groups.length === 0 && <p className="empty">{t('ticket.canned.empty')}</p>}
      {groups.length > 0 && (
        <div className="canned">
          <ul className="canned-groups" aria-label={t('ticket.canned.groups')}>
            {groups.map((g) => (
              <li key={g.id}>
                <button type="button" className={g.id === current?.id ? 'canned-group active' : 'canned-group'} aria-pressed={g.id === current?.id} onClick={() => setGroupId(g.id)} data-testid="canned-group">
                  {g.name} <span className="muted small">{g.responses.length}</span>
                </button>
              </li>
            ))}
          </ul>
          <ul className="canned-responses" aria-label={t('ticket.canned.responses')}>
            {current?.responses.length === 0 && <li className="muted">{t('ticket.canned.groupEmpty')}</li>}
            {current?.responses.map((r) => (
              <li key={r.id}>
                <button type="button" className="canned-response" onClick={() => void choose(r)} disabled={busy} data-testid="canned-response">
                  <strong>{r.title}</strong>
                  <span className="muted small canned-preview">{r.body}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p className="alert alert-error" role="alert">
          {t('ticket.canned.renderFailed', { message: error })}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('ticket.cancel')}
        </button>
      </div>
    </Dialog>
  );
}
