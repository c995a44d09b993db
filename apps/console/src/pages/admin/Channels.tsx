import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rawCall } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { CHANNEL_KINDS, type ChannelKind, type ChannelRecord } from './channel-kinds';
import { FieldForm } from './FieldForm';

interface Page<T> {
  items: T[];
  total: number;
}

interface TestResult {
  imap: { ok: boolean; error?: string };
  smtp: { ok: boolean; error?: string };
}

/** Every channel API's records, one list per kind, with the forms generated from channel-kinds.ts. */
export function ChannelsPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="channels-title" data-testid="admin-channels">
      <h1 id="channels-title">{t('admin.channels.title')}</h1>
      {CHANNEL_KINDS.map((kind) => (
        <ChannelList key={kind.key} kind={kind} />
      ))}
    </section>
  );
}

function ChannelList({ kind }: { kind: ChannelKind }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const queryKey = ['admin', 'channels', kind.key];
  const list = useQuery({ queryKey, queryFn: () => rawCall<Page<ChannelRecord>>('GET', `${kind.url}?pageSize=100`) });
  const [editing, setEditing] = useState<ChannelRecord | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ChannelRecord | null>(null);
  const [test, setTest] = useState<{ id: string; result?: TestResult; error?: string } | null>(null);
  const [hooks, setHooks] = useState<{ id: string; urls?: Record<string, string | null> | null; error?: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey });

  const toggle = useMutation({
    mutationFn: (r: ChannelRecord) => rawCall('PATCH', `${kind.url}/${r.id}`, { enabled: !r.enabled }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (r: ChannelRecord) => rawCall('DELETE', `${kind.url}/${r.id}`),
    onSuccess: () => setDeleting(null),
    onSettled: refresh,
  });

  async function runTest(id: string) {
    setTest({ id });
    try {
      setTest({ id, result: await rawCall<TestResult>('POST', `${kind.url}/${id}/test`) });
    } catch (err) {
      setTest({ id, error: (err as Error).message });
    }
  }

  async function showHooks(id: string) {
    try {
      const r = await rawCall<{ webhookUrls: Record<string, string | null> | null }>('GET', `${kind.url}/${id}/webhook-urls`);
      setHooks({ id, urls: r.webhookUrls });
    } catch (err) {
      setHooks({ id, error: (err as Error).message });
    }
  }

  const label = (r: ChannelRecord) => r.name ?? r.title ?? r.key ?? r.id;

  return (
    <section className="admin-section card" aria-labelledby={`ch-${kind.key}`} data-testid={`channels-${kind.key}`}>
      <div className="admin-section-head">
        <h2 id={`ch-${kind.key}`}>{t(kind.title)}</h2>
        {kind.editOnly ? null : (
          <button type="button" className="btn btn-small" onClick={() => setEditing('new')} data-testid={`add-${kind.key}`}>
            {t('admin.add')}
          </button>
        )}
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
          {list.data.items.map((r) => {
            const state = r.state ?? (r.enabled ? 'active' : 'disabled');
            return (
              <li key={r.id} data-testid="channel-row" data-state={state}>
                <div className="admin-row">
                  <div>
                    <strong>{label(r)}</strong> <span className={`badge state-${state}`}>{t(`admin.state.${state}`)}</span>
                    {kind.describe(r) ? <div className="muted small">{kind.describe(r)}</div> : null}
                    {state === 'error' && r.stateReason ? (
                      <div className="error small" data-testid="state-reason">
                        {t('admin.stateReason', { reason: r.stateReason })}
                      </div>
                    ) : null}
                  </div>
                  <div className="admin-actions">
                    <button type="button" className="btn btn-small" onClick={() => toggle.mutate(r)} disabled={toggle.isPending}>
                      {r.enabled ? t('admin.disable') : t('admin.enable')}
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setEditing(r)}>
                      {t('admin.edit')}
                    </button>
                    {kind.canTest ? (
                      <button type="button" className="btn btn-small" onClick={() => void runTest(r.id)} disabled={test?.id === r.id && !test.result && !test.error}>
                        {t('admin.test')}
                      </button>
                    ) : null}
                    {kind.webhookUrls ? (
                      <button type="button" className="btn btn-small" onClick={() => void showHooks(r.id)}>
                        {t('admin.webhookUrls')}
                      </button>
                    ) : null}
                    <button type="button" className="btn btn-small" onClick={() => setDeleting(r)}>
                      {t('admin.delete')}
                    </button>
                  </div>
                </div>
                {test?.id === r.id ? (
                  <div className="small" role="status" data-testid="test-result">
                    {test.error ? <span className="error">{test.error}</span> : null}
                    {!test.result && !test.error ? t('admin.testing') : null}
                    {test.result
                      ? (['imap', 'smtp'] as const).map((side) => (
                          <div key={side} className={test.result![side].ok ? 'ok' : 'error'}>
                            {side.toUpperCase()}: {test.result![side].ok ? t('admin.testOk') : test.result![side].error}
                          </div>
                        ))
                      : null}
                  </div>
                ) : null}
                {hooks?.id === r.id ? (
                  <div className="small" data-testid="webhook-urls">
                    {hooks.error ? <span className="error">{hooks.error}</span> : null}
                    {hooks.urls === null ? t('admin.noWebhooks') : null}
                    {hooks.urls
                      ? Object.entries(hooks.urls).map(([k, v]) => (
                          <div key={k}>
                            {k}: <code>{v ?? '—'}</code>
                          </div>
                        ))
                      : null}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {editing ? (
        <Dialog title={editing === 'new' ? t('admin.createTitle', { kind: t(kind.title) }) : t('admin.editTitle', { name: label(editing) })} onClose={() => setEditing(null)} testId="channel-dialog">
          <FieldForm
            fields={kind.fields}
            record={editing === 'new' ? undefined : editing}
            testId={`form-${kind.key}`}
            onCancel={() => setEditing(null)}
            onSubmit={async (body) => {
              if (editing === 'new') await rawCall('POST', kind.url, body);
              else await rawCall('PATCH', `${kind.url}/${editing.id}`, body);
              setEditing(null);
              await refresh();
            }}
          />
        </Dialog>
      ) : null}
      {deleting ? (
        <Dialog title={t('admin.confirmDeleteTitle')} onClose={() => setDeleting(null)} testId="confirm-dialog">
          <p>{t('admin.confirmDelete', { name: label(deleting) })}</p>
          {remove.isError ? <p className="error">{remove.error.message}</p> : null}
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={() => remove.mutate(deleting)} disabled={remove.isPending} data-testid="confirm-delete">
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
