import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, SIGNED_OUT_EVENT } from './api.ts';
import type { Me } from './types.ts';

interface SessionValue {
  /** undefined while loading, null when signed out. */
  me: Me | null | undefined;
  can(permission: string): boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue>({ me: undefined, can: () => false, login: async () => undefined, logout: async () => undefined });

/** The signed-in account from the `cityloop_session` cookie (`GET /api/v1/identity/me`). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    api<Me>('/api/v1/identity/me').then(
      (m) => live && setMe(m),
      // Signed out (401) or the server unreachable: show the login screen.
      () => live && setMe(null),
    );
    const onSignedOut = () => setMe(null);
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => {
      live = false;
      window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
    };
  }, []);
  const value: SessionValue = {
    me,
    can: (permission) => !!me?.permissions.includes(permission),
    async login(username, password) {
      const r = await api<Me>('/api/v1/identity/login', { body: { username, password } });
      setMe({ account: r.account, permissions: r.permissions });
    },
    async logout() {
      await api('/api/v1/identity/logout', { method: 'POST' });
      setMe(null);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  return useContext(SessionContext);
}
