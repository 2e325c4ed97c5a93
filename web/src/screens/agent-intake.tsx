import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, qs } from '../api.ts';
import type { CaseItem, CaseView, Category } from '../types.ts';
import { categoryOptions, optionsWith } from '../categories.ts';
import { CaseTable, ErrorBox, Section, useLoad } from '../ui.tsx';
import { Link } from '../router.tsx';
import { AreaMap } from './area-map.tsx';
import { useSession } from '../session.tsx';

const KINDS = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
const URGENCIES = ['normal', 'urgent', 'critical'] as const;

interface Suggestion {
  categories: Array<{ code: string; name: string; confidence: number; department?: { id: string; name: string } | string | null }>;
  department?: { id: string; name: string } | string | null;
  timeLimit?: unknown;
  duplicates?: Array<{ number?: string; id?: string; title?: string; score?: number }>;
}

function nameOf(d: { name: string } | string | null | undefined): string | null {
  if (!d) return null;
  return typeof d === 'string' ? d : d.name;
}

/**
 * Agent intake (话务受理): keyboard-first. Phone lookup (Enter) shows the caller's earlier cases;
 * Ctrl+Enter registers; "register and dispatch" follows the responsibility list.
 */
export function AgentIntake() {
  const { t, i18n } = useTranslation();
  // Agents register; dispatching at intake needs cases.dispatch (otherwise the dispatch desk does it).
  const canDispatch = useSession().can('cases.dispatch');
  const categories = useLoad((signal) => api<{ items: Category[] }>('/api/v1/cases/categories', { signal }), []);
  const options = useMemo(() => categoryOptions(categories.data?.items ?? [], i18n.language), [categories.data, i18n.language]);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [earlier, setEarlier] = useState<CaseItem[] | null>(null);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [categoryCode, setCategoryCode] = useState('');
  // The name a suggestion gave its category, for a code the category list does not know.
  const [suggestedName, setSuggestedName] = useState<string | undefined>(undefined);
  // A suggested category that is not a leaf (e.g. 12.01) is added to the picker: what is shown is what is submitted.
  const shownOptions = useMemo(() => optionsWith(options, categories.data?.items ?? [], i18n.language, categoryCode, suggestedName), [options, categories.data, i18n.language, categoryCode, suggestedName]);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('complaint');
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>('normal');
  const [address, setAddress] = useState('');
  const [lngText, setLngText] = useState('');
  const [latText, setLatText] = useState('');
  const point = useMemo(() => {
    const lng = Number(lngText);
    const lat = Number(latText);
    return lngText.trim() && latText.trim() && Number.isFinite(lng) && Number.isFinite(lat) ? { lng, lat } : null;
  }, [lngText, latText]);
  const setPoint = (p: { lng: number; lat: number } | null) => {
    setLngText(p ? String(p.lng) : '');
    setLatText(p ? String(p.lat) : '');
  };
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CaseView | null>(null);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [insightsAvailable, setInsightsAvailable] = useState(true);
  const phoneRef = useRef<HTMLInputElement>(null);

  // Live suggestions from the insights module, when it is installed (404 hides the panel).
  useEffect(() => {
    if (!insightsAvailable || text.trim().length < 4) return;
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api<Suggestion>('/api/v1/insights/suggest', { body: { text, ...(title ? { title } : {}), ...(point ?? {}) }, signal: ctl.signal })
        .then(setSuggestion)
        .catch((err: unknown) => {
          if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setInsightsAvailable(false);
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [text, title, point, insightsAvailable]);

  const lookup = async () => {
    if (!/^\d{5,20}$/.test(phone.trim())) return;
    try {
      const r = await api<{ items: CaseItem[] }>(`/api/v1/cases${qs({ phone: phone.trim(), limit: 10 })}`);
      setEarlier(r.items);
    } catch (err) {
      setError(err);
    }
  };

  const reset = () => {
    setPhone(''); setName(''); setEarlier(null); setTitle(''); setText(''); setCategoryCode(''); setSuggestedName(undefined); setKind('complaint'); setUrgency('normal');
    setAddress(''); setPoint(null); setSuggestion(null); setError(null);
    phoneRef.current?.focus();
  };

  const submit = async (dispatch: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        channel: 'hotline', kind, urgency, categoryCode, text, ...(title ? { title } : {}),
        requester: phone || name ? { ...(phone ? { phone } : {}), ...(name ? { name } : {}) } : { anonymous: true },
        ...(point ? { location: { ...point, ...(address ? { address } : {}) } } : address ? { address } : {}),
        ...(dispatch ? { dispatch: 'auto' } : {}),
      };
      const c = await api<CaseView>('/api/v1/cases', { body });
      setCreated(c);
      reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="intake-grid">
      <Section title={t('intake.title')} testId="intake">
        {created && (
          // At the top, where the agent is again after registering (the phone field takes the focus): visible without scrolling.
          <p className="success" role="status" data-testid="intake-created" data-number={created.number}>
            {t('intake.created')} <Link to={`/cases/${created.number}`}>{created.number}</Link>
            {' · '}{created.mainDepartmentName ? t('intake.dispatchedTo', { name: created.mainDepartmentName }) : t('intake.toDispatchDesk')}
          </p>
        )}
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(canDispatch);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit(canDispatch);
            }
          }}
        >
          <div className="row">
            <label>
              {t('intake.phone')}
              <input ref={phoneRef} name="phone" inputMode="tel" autoFocus value={phone} onChange={(e) => setPhone(e.target.value)} onBlur={() => void lookup()}
                onKeyDown={(e) => { if (e.key === 'Enter' && !e.ctrlKey) { e.preventDefault(); void lookup(); } }} />
            </label>
            <label>
              {t('intake.name')}
              <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
            </label>
          </div>
          <label>
            {t('intake.caseTitle')}
            <input name="title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            {t('intake.text')}
            <textarea name="text" rows={4} value={text} required onChange={(e) => setText(e.target.value)} />
          </label>
          <div className="row">
            <label>
              {t('intake.category')}
              <select name="category" value={categoryCode} required onChange={(e) => setCategoryCode(e.target.value)}>
                <option value="">{t('intake.pickCategory')}</option>
                {shownOptions.map((o) => <option key={o.code} value={o.code}>{o.label}</option>)}
              </select>
            </label>
            <label>
              {t('intake.kind')}
              <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
              </select>
            </label>
            <label>
              {t('intake.urgency')}
              <select name="urgency" value={urgency} onChange={(e) => setUrgency(e.target.value as typeof urgency)}>
                {URGENCIES.map((u) => <option key={u} value={u}>{t(`urgency.${u}`)}</option>)}
              </select>
            </label>
          </div>
          <label>
            {t('intake.address')}
            <input name="address" value={address} maxLength={300} onChange={(e) => setAddress(e.target.value)} />
          </label>
          <div className="row">
            <label>
              {t('intake.lng')}
              <input name="lng" inputMode="decimal" value={lngText} onChange={(e) => setLngText(e.target.value)} />
            </label>
            <label>
              {t('intake.lat')}
              <input name="lat" inputMode="decimal" value={latText} onChange={(e) => setLatText(e.target.value)} />
            </label>
          </div>
          <AreaMap onPick={(p) => setPoint(p)} point={point} height={220} />
          <ErrorBox error={error} />
          <div className="buttons">
            <button type="submit" className="primary" disabled={busy} title="Ctrl+Enter">{t(canDispatch ? 'intake.registerDispatch' : 'intake.register')}</button>
            {canDispatch && <button type="button" disabled={busy} onClick={() => void submit(false)}>{t('intake.registerOnly')}</button>}
            <button type="button" onClick={reset}>{t('intake.clear')}</button>
          </div>
          <p className="muted small">{t(canDispatch ? 'intake.keysDispatch' : 'intake.keys')}</p>
        </form>
      </Section>
      <div className="side">
        {earlier !== null && (
          <Section title={t('intake.earlier', { count: earlier.length })} testId="earlier-cases">
            <CaseTable items={earlier} />
          </Section>
        )}
        {insightsAvailable && suggestion && (
          <Section title={t('intake.suggestions')} testId="suggestions">
            <ul className="suggest">
              {(suggestion.categories ?? []).slice(0, 3).map((s) => (
                <li key={s.code}>
                  <button type="button" className="linklike" onClick={() => { setSuggestedName(s.name); setCategoryCode(s.code); }}>{s.code} {s.name}</button>{' '}
                  <span className="muted">{Math.round(s.confidence * 100)}%{nameOf(s.department) ? ` · ${nameOf(s.department)}` : ''}</span>
                </li>
              ))}
            </ul>
            {nameOf(suggestion.department) && <p>{t('intake.suggestedDepartment', { name: nameOf(suggestion.department) })}</p>}
            {(suggestion.duplicates ?? []).length > 0 && (
              <>
                <h3>{t('intake.duplicates')}</h3>
                <ul>{(suggestion.duplicates ?? []).map((d, i) => <li key={d.id ?? d.number ?? i}>{d.number ? <Link to={`/cases/${d.number}`}>{d.number}</Link> : null} {d.title}</li>)}</ul>
              </>
            )}
          </Section>
        )}
      </div>
    </div>
  );
}
