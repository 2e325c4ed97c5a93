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

/** `GET /api/v1/insights/hot-issues/runs/latest` (the fields shown here). */
interface HotIssueRun { id: string; issues: Array<{ rank: number; heat: number; place: string; description: string; firstAt: string; lastAt: string; messageCount: number }> }

/** `GET /api/v1/insights/warnings` items (the fields shown here). */
interface Warning { id: string; title: string; status: string }

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
  // Hot issues and warnings: city-wide reports, asked for only when the account may read them (no 403 in the console).
  const canReports = can('insights.reports.read');
  const hot = useLoad(async (s) => {
    if (!canReports) return null;
    try {
      return await api<{ run: HotIssueRun | null }>('/api/v1/insights/hot-issues/runs/latest', { signal: s });
    } catch (err) {
      if (err instanceof ApiError) return null; // no insights module on this server: the panel hides
      throw err;
    }
  }, [tick, canReports]);
  const warnings = useLoad(async (s) => {
    if (!canReports) return null;
    try {
      return await api<{ items: Warning[]; total: number }>(`/api/v1/insights/warnings${qs({ status: 'raised,acknowledged', limit: 6 })}`, { signal: s });
    } catch (err) {
      if (err instanceof ApiError) return null;
      throw err;
    }
  }, [tick, canReports]);
  const grids = useLoad((s) => api<{ features: Feature[] }>(`/api/v1/places/areas.geojson${qs({ level: 'grid' })}`, { signal: s }), []);

  // Case heat: cases of the last 7 days counted per grid (the smallest area a case lies in).
  const heat = useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of recent.data?.items ?? []) if (c.areaId) counts.set(c.areaId, (counts.get(c.areaId) ?? 0) + 1);
    const features = (grids.data?.features ?? []).filter((f) => f.id !== undefined && counts.has(String(f.id))).map((f) => ({ ...f, properties: { ...f.properties, count: counts.get(String(f.id)) ?? 0 } }));
    return { type: 'FeatureCollection' as const, features };
  }, [recent.data, grids.data]);

  // 14 consecutive days ending today; a day without cases counts zero.
  const days = useMemo(() => Array.from({ length: 14 }, (_, i) => cityDay(i - 13, Date.parse(`${today}T12:00:00+08:00`))), [today]);
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
              {(warnings.data.items ?? []).length === 0
                ? <p className="muted empty">{t('big.noWarnings')}</p>
                : <ol>{warnings.data.items.slice(0, 6).map((w) => <li key={w.id}>{w.title}</li>)}</ol>}
            </section>
          )}
          {hot.data && (
            <section className="panel dark" data-testid="hot-issues">
              <h2>{t('big.hot')}</h2>
              {(hot.data.run?.issues ?? []).length === 0
                ? <p className="muted empty">{t('big.noHot')}</p>
                : <ol>{hot.data.run!.issues.slice(0, 8).map((h) => <li key={h.rank}>{h.place ? `${h.place} · ` : ''}{h.description} <span className="muted">({h.messageCount})</span></li>)}</ol>}
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
