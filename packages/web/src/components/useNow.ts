import { useEffect, useState } from "react";

/** The time, every second while `fast` (a running task's duration), else every 15 s ("started 3 min ago"). */
export function useNow(fast: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  const ms = fast ? 1000 : 15_000;
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
