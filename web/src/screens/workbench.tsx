import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api.ts';
import type { CaseItem } from '../types.ts';
import { CaseTable, ErrorBox, Section, useLoad } from '../ui.tsx';
import { useLiveCases } from '../live.ts';
import { CaseDetail } from './case-detail.tsx';

/** Department workbench (承办工作台): my department's cases to sign for and to handle, by deadline. */
export function Workbench() {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const live = useLiveCases();
  const toSign = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ state: 'dispatched', sort: 'due_asc', limit: 100 })}`, { signal }), [version, live]);
  const handling = useLoad((signal) => api<{ items: CaseItem[]; total: number }>(`/api/v1/cases${qs({ state: 'handling', sort: 'due_asc', limit: 100 })}`, { signal }), [version, live]);
  const bump = () => setVersion((v) => v + 1);
  return (
    <div className="split">
      <div>
        <Section title={t('workbench.toSign', { count: toSign.data?.total ?? 0 })} testId="to-sign">
          <ErrorBox error={toSign.error} />
          <CaseTable items={toSign.data?.items ?? []} onPick={(c) => setPicked(c.id)} picked={picked} signFor />
        </Section>
        <Section title={t('workbench.handling', { count: handling.data?.total ?? 0 })} testId="handling">
          <ErrorBox error={handling.error} />
          <CaseTable items={handling.data?.items ?? []} onPick={(c) => setPicked(c.id)} picked={picked} />
        </Section>
      </div>
      <div>{picked ? <CaseDetail id={picked} onChanged={bump} version={live} /> : <p className="muted">{t('workbench.pick')}</p>}</div>
    </div>
  );
}
