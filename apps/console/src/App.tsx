import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth';
import { LANGUAGES } from './i18n';
import { InboxPage } from './pages/Inbox';
import { LoginPage } from './pages/Login';
import { TicketPage } from './pages/Ticket';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route path="/" element={<InboxPage />} />
        <Route path="/tickets/:id" element={<TicketPage />} />
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

function NotFound() {
  const { t } = useTranslation();
  return <p className="empty">{t('notFound')}</p>;
}
