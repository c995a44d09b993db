import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rawCall } from '../../api/client';
import type { CannedGroup, CannedResponse } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { FieldForm, type FieldSpec } from './FieldForm';

const GROUP_FIELDS: readonly FieldSpec[] = [
  { path: 'name', label: 'admin.f.name', type: 'text', required: true },
  { path: 'position', label: 'admin.f.position', type: 'number' },
];

type Editing = { what: 'group'; record?: CannedGroup } | { what: 'response'; record?: CannedResponse; groupId?: string };

/** Canned responses, grouped as `GET /canned-responses` answers, with their groups. */
export function CannedPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const queryKey = ['admin', 'canned'];
  const list = useQuery({ queryKey, queryFn: () => rawCall<{ groups: CannedGroup[] }>('GET', '/api/v1/canned-responses') });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<{ url: string; name: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey });
  const remove = useMutation({
    mutationFn: (url: string) => rawCall('DELETE', url),
    onSuccess: () => setDeleting(null),
    onSettled: refresh,
  });
  const groups = list.data?.groups ?? [];

  const responseFields: readonly FieldSpec[] = [
    { path: 'groupId', label: 'admin.canned.group', type: 'select', options: groups.map((g) => g.id), optionLabel: (id) => groups.find((g) => g.id === id)?.name ?? id },
    { path: 'title', label: 'admin.f.title', type: 'text', required: true },
    { path: 'body', label: 'admin.canned.body', type: 'textarea', required: true },
  ];

  return (
    <section aria-labelledby="canned-title" data-testid="admin-canned">
      <div className="admin-section-head">
        <h1 id="canned-title">{t('admin.canned.title')}</h1>
        <button type="button" className="btn btn-small" onClick={() => setEditing({ what: 'group' })} data-testid="add-canned-group">
          {t('admin.canned.addGroup')}
        </button>
      </div>
      {list.isPending ? <p className="muted">{t('admin.loading')}</p> : null}
      {list.isError ? (
        <p className="alert alert-error" role="alert">
          {t('admin.loadFailed', { message: list.error.message })}
        </p>
      ) : null}
      {list.data && groups.length === 0 ? <p className="muted">{t('admin.canned.noGroups')}</p> : null}
      {groups.map((g) => (
        <section key={g.id} className="admin-section card" aria-label={g.name} data-testid="canned-group">
          <div className="admin-section-head">
            <h2>{g.name}</h2>
            <div className="admin-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing({ what: 'response', groupId: g.id })} data-testid="add-canned-response">
                {t('admin.canned.addResponse')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => setEditing({ what: 'group', record: g })}>
                {t('admin.edit')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => setDeleting({ url: `/api/v1/canned-responses/groups/${g.id}`, name: g.name })}>
                {t('admin.delete')}
              </button>
            </div>
          </div>
          {g.responses.length === 0 ? <p className="muted">{t('admin.none')}</p> : null}
          <ul className="admin-list">
            {g.responses.map((r) => (
              <li key={r.id} data-testid="canned-response">
                <div className="admin-row">
                  <div>
                    <strong>{r.title}</strong>
                    <div className="muted small admin-canned-body">{r.body}</div>
                  </div>
                  <div className="admin-actions">
                    <button type="button" className="btn btn-small" onClick={() => setEditing({ what: 'response', record: r })}>
                      {t('admin.edit')}
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setDeleting({ url: `/api/v1/canned-responses/${r.id}`, name: r.title })}>
                      {t('admin.delete')}
                    </button>
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {editing ? (
        <Dialog
          title={editing.what === 'group' ? t(editing.record ? 'admin.canned.editGroup' : 'admin.canned.addGroup') : t(editing.record ? 'admin.canned.editResponse' : 'admin.canned.addResponse')}
          onClose={() => setEditing(null)}
          testId="canned-dialog"
        >
          <FieldForm
            fields={editing.what === 'group' ? GROUP_FIELDS : responseFields}
            record={editing.record}
            defaults={editing.what === 'response' && editing.groupId ? { groupId: editing.groupId } : undefined}
            testId={`form-canned-${editing.what}`}
            onCancel={() => setEditing(null)}
            onSubmit={async (body) => {
              const base = editing.what === 'group' ? '/api/v1/canned-responses/groups' : '/api/v1/canned-responses';
              if (editing.record) await rawCall('PATCH', `${base}/${editing.record.id}`, body);
              else await rawCall('POST', base, body);
              setEditing(null);
              await refresh();
            }}
          />
        </Dialog>
      ) : null}
      {deleting ? (
        <Dialog title={t('admin.confirmDeleteTitle')} onClose={() => setDeleting(null)} testId="confirm-dialog">
          <p>{t('admin.confirmDelete', { name: deleting.name })}</p>
          {remove.isError ? <p className="error">{remove.error.message}</p> : null}
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={() => remove.mutate(deleting.url)} disabled={remove.isPending} data-testid="confirm-delete">
              {t('admin.delete')}
            </button>
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              {t('admin.cancel')}
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
