import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, configureClient } from './api/client';
import { clearSession, loadSession, saveSession, type Session } from './api/session';

export type LoginNotice = 'expired' | 'loggedOut' | null;

interface AuthValue {
  session: Session | null;
  notice: LoginNotice;
  login: (email: string, password: string, remember: boolean) => Promise<void>;
  logout: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(() => {
    const s = loadSession();
    configureClient({ token: s?.token ?? null });
    return s;
  });
  const [notice, setNotice] = useState<LoginNotice>(null);

  const end = useCallback(
    (why: Exclude<LoginNotice, null>) => {
      clearSession();
      configureClient({ token: null });
      queryClient.clear();
      setSession(null);
      setNotice(why);
    },
    [queryClient],
  );

  useEffect(() => {
    configureClient({ token: session?.token ?? null, onExpired: () => end('expired') });
  }, [session, end]);

  const value = useMemo<AuthValue>(
    () => ({
      session,
      notice,
      async login(email, password, remember) {
        const r = await api.login(email, password);
        const next = { token: r.accessToken, agent: r.agent };
        saveSession(next, remember);
        configureClient({ token: next.token });
        setNotice(null);
        setSession(next);
      },
      logout: () => end('loggedOut'),
    }),
    [session, notice, end],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
