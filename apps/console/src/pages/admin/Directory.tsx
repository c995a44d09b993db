import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { rawCall } from '../../api/client';
import type { AdminAgent, AdminGroup, AdminStatus } from '../../api/types';
import { STATUS_KINDS } from '../../lib/lifecycle';
import { CrudSection } from './CrudSection';
import type { FieldSpec } from './FieldForm';

const ROLES = ['specialist', 'senior', 'admin'] as const;
const LINES = ['', '1', '2'] as const;

/** Agents (with their groups) and the groups themselves. */
export function AgentsPage() {
  const { t } = useTranslation();
  const groups = useQuery({ queryKey: ['admin', '/api/v1/groups'], queryFn: () => rawCall<{ items: AdminGroup[] }>('GET', '/api/v1/groups?pageSize=100') });
  const all = groups.data?.items ?? [];
  const agentFields: readonly FieldSpec[] = [
    { path: 'email', label: 'admin.f.email', type: 'text', required: true, only: 'create' },
    { path: 'name', label: 'admin.f.name', type: 'text', required: true },
    { path: 'role', label: 'admin.f.role', type: 'select', options: ROLES, optionLabel: (r) => t(`admin.role.${r}`) },
    { path: 'password', label: 'admin.f.password', type: 'secret', required: true },
    { path: 'active', label: 'admin.f.active', type: 'checkbox', only: 'edit' },
    { path: 'groupIds', label: 'admin.f.groups', type: 'multiselect', options: all.map((g) => g.id), optionLabel: (id) => all.find((g) => g.id === id)?.name ?? id },
  ];
  const groupFields: readonly FieldSpec[] = [
    { path: 'name', label: 'admin.f.name', type: 'text', required: true },
    { path: 'line', label: 'admin.f.line', type: 'select', options: LINES, optionLabel: (l) => (l ? t('admin.line', { line: l }) : t('admin.noLine')), parse: (l) => (l ? Number(l) : null) },
  ];
  return (
    <section aria-labelledby="agents-title" data-testid="admin-agents">
      <h1 id="agents-title">{t('admin.nav.agents')}</h1>
      <CrudSection<AdminAgent>
        testId="agents"
        title={t('admin.agents')}
        url="/api/v1/agents"
        idOf={(a) => a.id}
        labelOf={(a) => a.name}
        describe={(a) =>
          [a.email, t(`admin.role.${a.role}`), a.active ? null : t('admin.inactive'), (a.groups ?? []).map((g) => g.name).join(', ') || null].filter(Boolean).join(' · ')
        }
        toRecord={(a) => ({ ...a, groupIds: (a.groups ?? []).map((g) => g.id) })}
        fields={agentFields}
      />
      <CrudSection<AdminGroup>
        testId="groups"
        title={t('admin.groups')}
        url="/api/v1/groups"
        idOf={(g) => g.id}
        labelOf={(g) => g.name}
        describe={(g) => [g.line ? t('admin.line', { line: g.line }) : null, t('admin.members', { count: g.memberCount })].filter(Boolean).join(' · ')}
        toRecord={(g) => ({ ...g, line: g.line === null ? '' : String(g.line) })}
        fields={groupFields}
      />
    </section>
  );
}

/** Ticket statuses: custom ones mapped to the system kinds (whose colour they take). */
export function StatusesPage() {
  const { t } = useTranslation();
  const fields: readonly FieldSpec[] = [
    { path: 'key', label: 'admin.f.key', type: 'text', required: true, only: 'create' },
    { path: 'name', label: 'admin.f.name', type: 'text', required: true },
    { path: 'kind', label: 'admin.f.kind', type: 'select', options: STATUS_KINDS, optionLabel: (k) => t(`statusKind.${k}`) },
    { path: 'position', label: 'admin.f.position', type: 'number' },
  ];
  return (
    <section aria-labelledby="statuses-title" data-testid="admin-statuses">
      <h1 id="statuses-title">{t('admin.nav.statuses')}</h1>
      <p className="muted small">{t('admin.statusesHint')}</p>
      <CrudSection<AdminStatus>
        testId="statuses"
        title={t('admin.nav.statuses')}
        url="/api/v1/statuses"
        idOf={(s) => s.key}
        labelOf={(s) => s.name}
        describe={(s) => (
          <>
            <span className={`badge badge-${s.kind}`}>{t(`statusKind.${s.kind}`)}</span> <code>{s.key}</code> {s.isSystem ? t('admin.system') : null}
          </>
        )}
        fields={fields}
      />
    </section>
  );
}
