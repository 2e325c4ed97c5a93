import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api.ts';
import type { CaseItem, Department } from '../types.ts';
import { CaseTable, ErrorBox, Section, useLoad } from '../ui.tsx';
import { useLiveCases } from '../live.ts';
import { CaseDetail } from './case-detail.tsx';

/** Dispatch desk (派单台): the queue of cases at this centre (pending and returned), by deadline. */
export function DispatchDesk() {
  const { t, i18n } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [centreId, setCentreId] = useState('');
  const live = useLiveCases();
  // One queue per dispatch centre (city, district, street tiers); the data scope decides which exist for this account.
  const centres = useLoad((signal) => api<{ items: Department[] }>(`/api/v1/organization/departments${qs({ kind: 'centre' })}`, { signal }), []);
  const pending = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ state: 'pending_dispatch', centreId, sort: 'due_asc', limit: 100 })}`, { signal }), [version, live, centreId]);
  const returned = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ state: 'returned', centreId, sort: 'due_asc', limit: 100 })}`, { signal }), [version, live, centreId]);
  const tierOrder: Record<string, number> = { city: 0, district: 1, street: 2 };
  const centreOptions = [...(centres.data?.items ?? [])].sort((a, b) => (tierOrder[a.tier] ?? 9) - (tierOrder[b.tier] ?? 9) || a.code.localeCompare(b.code));
  return (
    <div className="split">
      <div>
        <Section
          title={t('dispatch.pending', { count: pending.data?.total ?? 0 })}
          testId="pending-queue"
          actions={
            <label className="inline">
              {t('dispatch.centre')}
              <select name="centre" value={centreId} onChange={(e) => setCentreId(e.target.value)}>
                <option value="">{t('dispatch.allCentres')}</option>
                {centreOptions.map((d) => <option key={d.id} value={d.id}>{t(`tier.${d.tier}`)} · {i18n.language === 'en' && d.nameEn ? d.nameEn : d.name}</option>)}
              </select>
            </label>
          }
        >
          <ErrorBox error={pending.error} />
          <CaseTable items={pending.data?.items ?? []} onPick={(c) => setPicked(c.id)} picked={picked} />
        </Section>
        <Section title={t('dispatch.returned', { count: returned.data?.total ?? 0 })} testId="returned-queue">
          <CaseTable items={returned.data?.items ?? []} onPick={(c) => setPicked(c.id)} picked={picked} />
        </Section>
      </div>
      <div>{picked ? <CaseDetail id={picked} onChanged={() => setVersion((v) => v + 1)} version={live} /> : <p className="muted">{t('dispatch.pick')}</p>}</div>
    </div>
  );
}
