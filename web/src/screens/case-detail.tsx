import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api.ts';
import type { CaseView, HistoryEntry } from '../types.ts';
import { ErrorBox, LightBadge, StateBadge, formatTime, useCategoryName, useLoad } from '../ui.tsx';
import { Link } from '../router.tsx';
import { PointMap } from './point-map.tsx';
import { AreaMap } from './area-map.tsx';
import { useSession } from '../session.tsx';

interface Proposal {
  department: { id: string; name: string; nameEn?: string };
  assisting: Array<{ id: string; name: string }>;
}

/** Actions that need a text from the user, and the body field it goes to. */
const TEXT_ACTIONS: Record<string, string> = { return: 'reason', reply: 'text', resolve: 'reply', close: 'reason', supervise: 'note', request_extension: 'reason' };

/**
 * One case: facts, deadline light, the actions the API allows for this user and state
 * (`allowedActions`), and the full timeline.
 */
export function CaseDetail({ id, onChanged, showMap = false, version = 0 }: { id: string; onChanged?: () => void; showMap?: boolean; version?: number }) {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const categoryName = useCategoryName();
  const c = useLoad((signal) => api<CaseView>(`/api/v1/cases/${encodeURIComponent(id)}`, { signal }), [id, version]);
  const timeline = useLoad((signal) => api<{ items: HistoryEntry[] }>(`/api/v1/cases/${encodeURIComponent(id)}/timeline`, { signal }), [id, version]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const view = c.data;

  const proposal = useLoad(async (signal) => {
    if (!view || !view.allowedActions.includes('dispatch')) return null;
    const loc = view.location;
    try {
      return await api<Proposal>(`/api/v1/organization/responsibility${qs({ categoryCode: view.categoryCode, ...(loc ? { lng: loc.lng, lat: loc.lat } : {}) })}`, { signal });
    } catch {
      return null;
    }
  }, [view?.id, view?.version, view?.allowedActions.join()]);

  const act = async (action: string, body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const path = action === 'sign_for' ? 'sign-for' : action === 'request_extension' ? 'extension' : action;
      await api(`/api/v1/cases/${view!.id}/${path}`, { body });
      setTexts({});
      c.reload();
      timeline.reload();
      onChanged?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (c.error) return <ErrorBox error={c.error} />;
  if (!view) return <p className="loading">{t('app.loading')}</p>;
  const allowed = view.allowedActions;
  return (
    <article className="case-detail" data-testid="case-detail" data-state={view.state}>
      <header className="case-head">
        <h2>
          <Link to={`/cases/${view.number}`}>{view.number}</Link> {view.title}
        </h2>
        <StateBadge state={view.state} /> <LightBadge light={view.light} />
      </header>
      <dl className="facts">
        <dt>{t('case.category')}</dt><dd>{categoryName(view.categoryCode, view.categoryName)}</dd>
        <dt>{t('case.kind')}</dt><dd>{t(`kind.${view.kind}`)} · {t(`urgency.${view.urgency}`)}</dd>
        <dt>{t('case.requester')}</dt><dd>{[view.requesterName, view.requesterPhone].filter(Boolean).join(' ') || '—'}</dd>
        <dt>{t('case.address')}</dt><dd>{view.location?.address ?? view.address ?? '—'} {view.areaPath.length > 0 && <span className="muted">({view.areaPath.map((a) => a.name).join(' / ')})</span>}</dd>
        <dt>{t('case.department')}</dt><dd>{view.mainDepartmentName ?? view.centreName ?? '—'}</dd>
        <dt>{t('case.received')}</dt><dd>{formatTime(view.receivedAt, i18n.language)}</dd>
        <dt>{t('case.due')}</dt><dd>{formatTime(view.dueAt, i18n.language)}</dd>
        <dt>{t('case.text')}</dt><dd className="pre">{view.text}</dd>
        {view.reply && (<><dt>{t('case.reply')}</dt><dd className="pre">{view.reply}</dd></>)}
      </dl>
      {showMap && view.location && (
        <>
          <AreaMap level="street" point={{ lng: view.location.lng, lat: view.location.lat }} height={240} />
          <PointMap lng={view.location.lng} lat={view.location.lat} />
        </>
      )}

      <section className="actions" aria-label={t('case.actions')}>
        <h3>{t('case.actions')}</h3>
        {allowed.length === 0 && <p className="muted">{t('case.noActions')}</p>}
        {allowed.includes('dispatch') && (
          <div className="action-row">
            {proposal.data && (
              <button type="button" className="primary" disabled={busy} data-testid="dispatch-proposal" onClick={() => void act('dispatch', { departmentId: proposal.data!.department.id })}>
                {t('case.dispatchTo', { name: i18n.language === 'en' && proposal.data.department.nameEn ? proposal.data.department.nameEn : proposal.data.department.name })}
              </button>
            )}
            <button type="button" disabled={busy} onClick={() => void act('dispatch', { auto: true })}>{t('case.dispatchAuto')}</button>
          </div>
        )}
        {allowed.includes('sign_for') && (view.state === 'dispatched' || view.assignments.some((a) => a.status === 'pending' && a.departmentId === me?.account.departmentId)) && (
          <button type="button" className="primary" disabled={busy} onClick={() => void act('sign_for', {})}>{t('action.sign_for')}</button>
        )}
        {Object.entries(TEXT_ACTIONS).filter(([a]) => allowed.includes(a)).map(([action, field]) => (
          <form
            key={action}
            className="action-row"
            onSubmit={(e) => {
              e.preventDefault();
              const text = texts[action]?.trim();
              if (!text) return;
              void act(action, action === 'request_extension' ? { reason: text, extraWorkdays: 2 } : { [field]: text });
            }}
          >
            <label className="grow">
              {t(`actionText.${action}`)}
              <textarea rows={2} value={texts[action] ?? ''} onChange={(e) => setTexts({ ...texts, [action]: e.target.value })} />
            </label>
            <button type="submit" disabled={busy || !texts[action]?.trim()}>{t(`action.${action}`)}</button>
          </form>
        ))}
        {allowed.includes('arbitrate') && (
          <div className="action-row">
            <label className="grow">
              {t('actionText.arbitrate')}
              <textarea rows={2} value={texts.arbitrate ?? ''} onChange={(e) => setTexts({ ...texts, arbitrate: e.target.value })} />
            </label>
            <button type="button" disabled={busy || !texts.arbitrate?.trim()} onClick={() => void act('arbitrate', { decision: 'reject_return', reason: texts.arbitrate!.trim() })}>{t('case.rejectReturn')}</button>
            <button type="button" disabled={busy || !texts.arbitrate?.trim()} onClick={() => void act('arbitrate', { decision: 'uphold_return', reason: texts.arbitrate!.trim() })}>{t('case.upholdReturn')}</button>
          </div>
        )}
        {allowed.includes('decide_extension') && view.pendingExtension !== null && (
          <div className="action-row">
            <span>{t('case.pendingExtension')}</span>
            <button type="button" disabled={busy} onClick={() => void act('extension/decision', { approve: true })}>{t('case.approve')}</button>
            <button type="button" disabled={busy} onClick={() => void act('extension/decision', { approve: false })}>{t('case.refuse')}</button>
          </div>
        )}
        {allowed.includes('chase') && <button type="button" disabled={busy} onClick={() => void act('chase', {})}>{t('action.chase')}</button>}
        {allowed.includes('callback') && (
          <div className="action-row">
            <span>{t('action.callback')}:</span>
            {[5, 4, 3, 2, 1].map((r) => (
              <button type="button" key={r} disabled={busy} onClick={() => void act('callback', { reached: true, rating: r })}>{t(`rating.${r}`)}</button>
            ))}
          </div>
        )}
        <ErrorBox error={error} />
      </section>

      <section className="timeline" aria-label={t('case.timeline')}>
        <h3>{t('case.timeline')}</h3>
        <ol data-testid="timeline">
          {(timeline.data?.items ?? []).map((h) => (
            <li key={h.id}>
              <time>{formatTime(h.at, i18n.language)}</time> <strong>{t(`action.${h.action}`, { defaultValue: h.action })}</strong>
              {h.toState && <> → {t(`state.${h.toState}`)}</>}
              {h.note && <span className="note"> · {h.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
