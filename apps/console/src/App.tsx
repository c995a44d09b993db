import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth';
import { LANGUAGES } from './i18n';
import { InboxPage } from './pages/Inbox';
import { LoginPage } from './pages/Login';
import { TicketPage } from './pages/Ticket';

/** The admin screens are a chunk of their own: the first screen (and every non-admin) never loads them. */
const AdminArea = lazy(() => import('./pages/admin/AdminArea'));

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route path="/" element={<InboxPage />} />
        <Route path="/tickets/:id" element={<TicketPage />} />
        <Route path="/admin/*" element={<AdminGate />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function RequireAuth() {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <div className="shell">
      <Header />
      <main id="main" className="shell-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={i18n.resolvedLanguage} onChange={(e) => void i18n.changeLanguage(e.target.value)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {l === 'en' ? 'English' : 'Русский'}
          </option>
        ))}
      </select>
    </label>
  );
}

function Header() {
  const { t } = useTranslation();
  const { session, logout } = useAuth();
  return (
    <header className="topbar">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <Link to="/" className="brand">
        {t('app.name')}
      </Link>
      {session?.agent.role === 'admin' ? (
        <Link to="/admin" className="topbar-link" data-testid="admin-link">
          {t('admin.title')}
        </Link>
      ) : null}
      <div className="topbar-right">
        <LanguageSelect />
        <span className="who">{t('app.signedInAs', { name: session?.agent.name })}</span>
        <button type="button" className="btn btn-ghost" onClick={logout} data-testid="logout">
          {t('app.logout')}
        </button>
      </div>
    </header>
  );
}

/** Admins get the admin screens; anyone else a "not allowed" page, and nothing admin is loaded or fetched. */
function AdminGate() {
  const { t } = useTranslation();
  const { session } = useAuth();
  if (session?.agent.role !== 'admin') {
    return (
      <p className="empty" role="alert" data-testid="not-allowed">
        {t('admin.notAllowed')}
      </p>
    );
  }
  return (
    <Suspense fallback={<p className="empty">{t('admin.loading')}</p>}>
      <AdminArea />
    </Suspense>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return <p className="empty">{t('notFound')}</p>;
}
