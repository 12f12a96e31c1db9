import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { api, setCsrfToken, type Session } from "./api/client.ts";

interface SessionState {
  session: Session | null | undefined;
  setSession(s: Session | null): void;
  can(permission: Session["permissions"][number]): boolean;
  refresh(): Promise<void>;
}

const Ctx = createContext<SessionState>({ session: undefined, setSession: () => {}, can: () => false, refresh: async () => {} });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, set] = useState<Session | null | undefined>(undefined);
  // A sign-in that lands while the first session look-up is still out wins over its answer.
  const version = useRef(0);
  const setSession = useCallback((s: Session | null) => {
    version.current++;
    setCsrfToken(s?.csrfToken ?? "");
    set(s);
  }, []);
  const refresh = useCallback(async () => {
    const asked = version.current;
    const { data } = await api.GET("/v1/buyer-auth/session");
    if (version.current === asked) setSession(data ?? null);
  }, [setSession]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const can = (p: Session["permissions"][number]) => Boolean(session?.permissions.includes(p));
  return <Ctx.Provider value={{ session, setSession, can, refresh }}>{children}</Ctx.Provider>;
}

export const useSession = () => useContext(Ctx);
