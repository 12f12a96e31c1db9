import { useEffect, useState } from "react";
import type { Problem } from "./api/client.ts";

/** Loads once per key: `{ data }`, `{ problem }`, or neither while loading. */
export function useLoad<T>(key: string, load: () => Promise<{ data?: T; problem?: Problem }>) {
  const [state, setState] = useState<{ key: string; data?: T; problem?: Problem } | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    void load().then((r) => live && setState({ key, ...r }));
    return () => {
      live = false;
    };
  }, [key, version]);
  const current = state?.key === key ? state : null;
  return { data: current?.data, problem: current?.problem, loading: !current, reload: () => setVersion((v) => v + 1) };
}
