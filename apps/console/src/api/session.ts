import type { Agent } from './types';

/** The agent's access token and who they are: in sessionStorage (this tab), or localStorage when remembered. */
export interface Session {
  token: string;
  agent: Agent;
}

const KEY = 'switchboard.session';

export function loadSession(): Session | null {
  for (const store of [sessionStorage, localStorage]) {
    const raw = store.getItem(KEY);
    if (!raw) continue;
    try {
      const s = JSON.parse(raw) as Session;
      if (typeof s.token === 'string' && s.agent && typeof s.agent.id === 'string') return s;
    } catch {
      store.removeItem(KEY);
    }
  }
  return null;
}

export function saveSession(s: Session, remember: boolean): void {
  clearSession();
  (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}
