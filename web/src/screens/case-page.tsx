import { useLiveCases } from '../live.ts';
import { CaseDetail } from './case-detail.tsx';

/** The case page: everything about one case, the actions this user may take now, the timeline. */
export function CasePage({ id }: { id: string }) {
  const live = useLiveCases();
  return (
    <div className="case-page">
      <CaseDetail id={id} showMap version={live} />
    </div>
  );
}
