import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api.ts';
import type { CaseItem } from '../types.ts';
import { CaseTable, ErrorBox, Section, useLoad } from '../ui.tsx';
import { useLiveCases } from '../live.ts';
import { CaseDetail } from './case-detail.tsx';

/** Dispatch desk (派单台): the queue of cases at this centre (pending and returned), by deadline. */
export function DispatchDesk() {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const live = useLiveCases();
  const pending = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ state: 'pending_dispatch', sort: 'due_asc', limit: 100 })}`, { signal }), [version, live]);
  const returned = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ state: 'returned', sort: 'due_asc', limit: 100 })}`, { signal }), [version, live]);
  return (
    <div className="split">
      <div>
        <Section title={t('dispatch.pending', { count: pending.data?.total ?? 0 })} testId="pending-queue">
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
