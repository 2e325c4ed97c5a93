import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, qs } from '../api.ts';
import type { CaseItem, KpiRow } from '../types.ts';
import { useLoad } from '../ui.tsx';
import { useLiveCases } from '../live.ts';
import { useSession } from '../session.tsx';
import { cityDay } from '../period.ts';
import { AreaMap } from './area-map.tsx';
import { TrendChart } from './trend-chart.tsx';

const REFRESH_MS = 30_000;

interface Scores {
  overall: number | null;
  colour: string | null;
  dimensions: Array<{ code: string; name: string; nameEn: string; score: number | null; colour: string | null }>;
}

interface Feature { type: 'Feature'; id?: string; geometry: unknown; properties: Record<string, unknown> }

/** Big screen (大屏): dark, refreshes itself (live events plus a timer), never reloads the page. */
export function BigScreen() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const live = useLiveCases();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const today = cityDay(0);
  const since = cityDay(-13);
  const open = useLoad((s) => api<{ total: number }>(`/api/v1/cases${qs({ state: 'pending_dispatch,dispatched,handling,returned', limit: 1 })}`, { signal: s }), [live, tick]);
  const red = useLoad((s) => api<{ total: number }>(`/api/v1/cases${qs({ state: 'pending_dispatch,dispatched,handling,returned', light: 'red', limit: 1 })}`, { signal: s }), [live, tick]);
  const recent = useLoad((s) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ from: new Date(Date.now() - 7 * 86_400_000).toISOString(), limit: 500 })}`, { signal: s }), [live, tick]);
  const trend = useLoad((s) => (can('cases.kpi') ? api<{ items: KpiRow[] }>(`/api/v1/cases/kpis${qs({ from: since, to: today, groupBy: 'day' })}`, { signal: s }) : Promise.resolve({ items: [] })), [live, tick]);
  const scores = useLoad((s) => (can('vitals.read') ? api<Scores>('/api/v1/vitals/scores', { signal: s }) : Promise.resolve(null)), [tick]);
  const hot = useLoad(async (s) => {
    try {
      return await api<{ items: Array<{ title?: string; label?: string; name?: string; count?: number }> }>('/api/v1/insights/hot-issues', { signal: s });
    } catch (err) {
      if (err instanceof ApiError) return null; // no insights module (404) or no permission: the panel hides
      throw err;
    }
  }, [tick]);
  const warnings = useLoad(async (s) => {
    try {
      return await api<{ items: Array<{ title?: string; label?: string; name?: string; level?: string; message?: string }> }>('/api/v1/insights/warnings', { signal: s });
    } catch (err) {
      if (err instanceof ApiError) return null;
      throw err;
    }
  }, [tick]);
  const grids = useLoad((s) => api<{ features: Feature[] }>(`/api/v1/places/areas.geojson${qs({ level: 'grid' })}`, { signal: s }), []);

  // Case heat: cases of the last 7 days counted per grid (the smallest area a case lies in).
  const heat = useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of recent.data?.items ?? []) if (c.areaId) counts.set(c.areaId, (counts.get(c.areaId) ?? 0) + 1);
    const features = (grids.data?.features ?? []).filter((f) => f.id !== undefined && counts.has(String(f.id))).map((f) => ({ ...f, properties: { ...f.properties, count: counts.get(String(f.id)) ?? 0 } }));
    return { type: 'FeatureCollection' as const, features };
  }, [recent.data, grids.data]);

  const days = useMemo(() => (trend.data?.items ?? []).map((r) => r.key).sort(), [trend.data]);
  const series = useMemo(() => {
    const byDay = new Map((trend.data?.items ?? []).map((r) => [r.key, r]));
    return [
      { name: t('kpi.total'), values: days.map((d) => byDay.get(d)?.counters.total ?? 0) },
      { name: t('kpi.completed'), values: days.map((d) => byDay.get(d)?.counters.completed ?? 0) },
    ];
  }, [days, trend.data, t]);
  const todayCount = (recent.data?.items ?? []).filter((c) => cityDay(0, Date.parse(c.receivedAt)) === today).length;

  return (
    <div className="big-screen" data-testid="big-screen">
      <header>
        <h1>{t('big.title')}</h1>
        <span className="clock">{new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(new Date())}</span>
        <a href="/" className="muted">{t('big.back')}</a>
      </header>
      <div className="counters">
        <Counter label={t('big.today')} value={todayCount} testId="count-today" />
        <Counter label={t('big.open')} value={open.data?.total} testId="count-open" />
        <Counter label={t('big.red')} value={red.data?.total} testId="count-red" />
        <Counter label={t('big.week')} value={recent.data?.total} testId="count-week" />
        {scores.data && <Counter label={t('big.vitals')} value={scores.data.overall === null ? null : Math.round(scores.data.overall * 10) / 10} testId="vitals-overall" />}
      </div>
      <div className="big-grid">
        <section className="panel dark">
          <h2>{t('big.map')}</h2>
          <AreaMap level="grid" heat={heat} dark height={420} />
        </section>
        <div className="stack">
          <section className="panel dark">
            <h2>{t('big.trend')}</h2>
            <TrendChart days={days} series={series} dark />
          </section>
          {scores.data && (
            <section className="panel dark" data-testid="vitals">
              <h2>{t('big.vitalsTitle')}</h2>
              <ul className="scores">
                {scores.data.dimensions.map((d) => (
                  <li key={d.code} className={`colour-${d.colour ?? 'none'}`}><span>{i18n.language === 'en' ? d.nameEn : d.name}</span><strong>{d.score === null ? '—' : d.score.toFixed(1)}</strong></li>
                ))}
              </ul>
            </section>
          )}
          {warnings.data && (
            <section className="panel dark" data-testid="warnings">
              <h2>{t('big.warnings')}</h2>
              <ol>{(warnings.data.items ?? []).slice(0, 6).map((w, i) => <li key={i}>{w.title ?? w.message ?? w.label ?? w.name} {w.level && <span className="muted">({w.level})</span>}</li>)}</ol>
            </section>
          )}
          {hot.data && (
            <section className="panel dark" data-testid="hot-issues">
              <h2>{t('big.hot')}</h2>
              <ol>{(hot.data.items ?? []).slice(0, 8).map((h, i) => <li key={i}>{h.title ?? h.label ?? h.name} {h.count !== undefined && <span className="muted">({h.count})</span>}</li>)}</ol>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}

function Counter({ label, value, testId }: { label: string; value: number | null | undefined; testId: string }) {
  return (
    <div className="counter" data-testid={testId}>
      <span className="value">{value ?? '—'}</span>
      <span className="label">{label}</span>
    </div>
  );
}
