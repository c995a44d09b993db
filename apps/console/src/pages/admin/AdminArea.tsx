import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { CannedPage } from './Canned';
import { ChannelsPage } from './Channels';
import { AgentsPage, StatusesPage } from './Directory';

/** The admin screens (lazy-loaded by App.tsx, and only for admins: the gate there decides). */
export default function AdminArea() {
  const { t } = useTranslation();
  const tabs = [
    ['channels', t('admin.nav.channels')],
    ['canned', t('admin.nav.canned')],
    ['agents', t('admin.nav.agents')],
    ['statuses', t('admin.nav.statuses')],
  ] as const;
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('admin.title')}>
        {tabs.map(([path, label]) => (
          <NavLink key={path} to={`/admin/${path}`} data-testid={`admin-nav-${path}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      <div className="admin-main">
        <Routes>
          <Route index element={<Navigate to="channels" replace />} />
          <Route path="channels" element={<ChannelsPage />} />
          <Route path="canned" element={<CannedPage />} />
          <Route path="agents" element={<AgentsPage />} />
          <Route path="statuses" element={<StatusesPage />} />
          <Route path="*" element={<p className="empty">{t('notFound')}</p>} />
        </Routes>
      </div>
    </div>
  );
}
