import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { rawCall } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { FieldForm, type FieldSpec } from './FieldForm';

/** A paged list from core (`{ items, total }`) with create and edit dialogs generated from fields. */
export function CrudSection<T>({
  testId,
  title,
  url,
  idOf,
  labelOf,
  describe,
  fields,
  toRecord,
}: {
  testId: string;
  title: string;
  /** The collection: GET (list), POST; `/{id}` for PATCH. */
  url: string;
  idOf: (item: T) => string;
  labelOf: (item: T) => string;
  describe?: (item: T) => ReactNode;
  fields: readonly FieldSpec[];
  /** The record the edit form starts from (e.g. an agent's groups as `groupIds`). */
  toRecord?: (item: T) => unknown;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const queryKey = ['admin', url];
  const list = useQuery({ queryKey, queryFn: () => rawCall<{ items: T[]; total: number }>('GET', `${url}?pageSize=100`) });
  const [editing, setEditing] = useState<T | 'new' | null>(null);

  return (
    <section className="admin-section card" aria-label={title} data-testid={testId}>
      <div className="admin-section-head">
        <h2>{title}</h2>
        <button type="button" className="btn btn-small" onClick={() => setEditing('new')} data-testid={`add-${testId}`}>
          {t('admin.add')}
        </button>
      </div>
      {list.isPending ? <p className="muted">{t('admin.loading')}</p> : null}
      {list.isError ? (
        <p className="alert alert-error" role="alert">
          {t('admin.loadFailed', { message: list.error.message })}
        </p>
      ) : null}
      {list.data && list.data.items.length === 0 ? <p className="muted">{t('admin.none')}</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <ul className="admin-list">
          {list.data.items.map((item) => (
            <li key={idOf(item)} data-testid={`${testId}-row`}>
              <div className="admin-row">
                <div>
                  <strong>{labelOf(item)}</strong>
                  {describe ? <div className="muted small">{describe(item)}</div> : null}
                </div>
                <div className="admin-actions">
                  <button type="button" className="btn btn-small" onClick={() => setEditing(item)}>
                    {t('admin.edit')}
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {editing !== null ? (
        <Dialog title={editing === 'new' ? t('admin.createTitle', { kind: title }) : t('admin.editTitle', { name: labelOf(editing) })} onClose={() => setEditing(null)} testId={`${testId}-dialog`}>
          <FieldForm
            fields={fields}
            record={editing === 'new' ? undefined : (toRecord ?? ((x: T) => x))(editing)}
            testId={`form-${testId}`}
            onCancel={() => setEditing(null)}
            onSubmit={async (body) => {
              if (editing === 'new') await rawCall('POST', url, body);
              else await rawCall('PATCH', `${url}/${idOf(editing)}`, body);
              setEditing(null);
              await qc.invalidateQueries({ queryKey: ['admin'] });
            }}
          />
        </Dialog>
      ) : null}
    </section>
  );
}
