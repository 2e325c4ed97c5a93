import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api.ts';
import type { CaseItem, KpiRow } from '../types.ts';
import { CaseTable, ErrorBox, Section, useLoad } from '../ui.tsx';
import { useLiveCases } from '../live.ts';
import { useSession } from '../session.tsx';
import { cityDay } from '../period.ts';

const COUNTERS = ['total', 'dispatched', 'completed', 'overdue', 'rated'] as const;
const RATES = ['onTimeCompletionRate', 'satisfactionRate', 'returnRate'] as const;

/** Supervision centre (督办中心): overdue and at-risk cases, KPIs by department, each figure opens its cases. */
export function Supervision() {
  const { t } = useTranslation();
  const { can } = useSession();
  const live = useLiveCases();
  const [from, setFrom] = useState(cityDay(-30));
  const [to, setTo] = useState(cityDay(0));
  const [drill, setDrill] = useState<{ counter: string; departmentId: string; label: string } | null>(null);
  const overdue = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ light: 'red', state: 'dispatched,handling,returned,pending_dispatch', sort: 'due_asc', limit: 50 })}`, { signal }), [live]);
  const atRisk = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ light: 'yellow', state: 'dispatched,handling,returned,pending_dispatch', sort: 'due_asc', limit: 50 })}`, { signal }), [live]);
  const kpis = useLoad((signal) => (can('cases.kpi') ? api<{ items: KpiRow[] }>(`/api/v1/cases/kpis${qs({ from, to, groupBy: 'department' })}`, { signal }) : Promise.resolve({ items: [] })), [from, to, live]);
  const drilled = useLoad((signal) => (drill ? api<{ items: CaseItem[]; total: number }>(`/api/v1/cases/kpis/cases${qs({ from, to, counter: drill.counter, departmentId: drill.departmentId, limit: 100 })}`, { signal }) : Promise.resolve(null)), [drill, from, to, live]);
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
  return (
    <div className="stack">
      <div className="split">
        <Section title={t('supervision.overdue', { count: overdue.data?.total ?? 0 })} testId="overdue">
          <ErrorBox error={overdue.error} />
          <CaseTable items={overdue.data?.items ?? []} />
        </Section>
        <Section title={t('supervision.atRisk', { count: atRisk.data?.total ?? 0 })} testId="at-risk">
          <CaseTable items={atRisk.data?.items ?? []} />
        </Section>
      </div>
      {can('cases.kpi') && (
        <Section
          title={t('supervision.kpis')}
          testId="kpis"
          actions={
            <div className="row">
              <label className="inline">{t('supervision.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
              <label className="inline">{t('supervision.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
              {can('cases.export') && <a className="button" href={`/api/v1/cases/export.csv${qs({ from: new Date(`${from}T00:00:00+08:00`).toISOString(), to: new Date(`${to}T23:59:59+08:00`).toISOString() })}`}>{t('supervision.export')}</a>}
            </div>
          }
        >
          <ErrorBox error={kpis.error} />
          <div className="table-wrap">
            <table className="kpis">
              <thead>
                <tr>
                  <th>{t('case.department')}</th>
                  {COUNTERS.map((c) => <th key={c}>{t(`kpi.${c}`)}</th>)}
                  {RATES.map((r) => <th key={r}>{t(`kpi.${r}`)}</th>)}
                </tr>
              </thead>
              <tbody>
                {(kpis.data?.items ?? []).map((row) => (
                  <tr key={row.key} data-department={row.name}>
                    <th scope="row">{row.name || t('supervision.noDepartment')}</th>
                    {COUNTERS.map((c) => (
                      <td key={c} data-counter={c}>
                        {row.counters[c] ? (
                          <button type="button" className="linklike" onClick={() => setDrill({ counter: c, departmentId: row.key, label: `${row.name} · ${t(`kpi.${c}`)}` })}>{row.counters[c]}</button>
                        ) : '0'}
                      </td>
                    ))}
                    {RATES.map((r) => <td key={r} data-rate={r}>{pct(row.rates[r]?.value)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
      {drill && (
        <Section title={t('supervision.drill', { label: drill.label, count: drilled.data?.total ?? 0 })} testId="drill" actions={<button type="button" onClick={() => setDrill(null)}>{t('app.close')}</button>}>
          <CaseTable items={drilled.data?.items ?? []} />
        </Section>
      )}
    </div>
  );
}
