import { useEffect, useState } from 'react';

/**
 * A counter that goes up whenever a case the viewer may see changes (server-sent events from
 * `GET /api/v1/cases/stream`, filtered by the viewer's data scope). Screens reload on it.
 * Without the stream (an older server), screens still work; they just do not refresh themselves.
 */
export function useLiveCases(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/cases/stream', { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Bursts (a dispatch is several events) become one reload.
    source.addEventListener('case', () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((n) => n + 1);
      }, 150);
    });
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, []);
  return tick;
}
