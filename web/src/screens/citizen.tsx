import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import type { Category, PublicCase } from '../types.ts';
import { ErrorBox, formatTime, useLoad } from '../ui.tsx';
import { categoryOptions } from '../categories.ts';

/** Citizen page (市民服务), mobile first: report a problem with its location; follow a case; rate it. */
export function CitizenPage({ languageSwitch }: { languageSwitch: ReactNode }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'track' | 'report'>(location.hash === '#report' ? 'report' : 'track');
  return (
    <div className="citizen">
      <header className="citizen-head">
        <h1>{t('citizen.title')}</h1>
        {languageSwitch}
      </header>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'track'} onClick={() => setTab('track')}>{t('citizen.track')}</button>
        <button type="button" role="tab" aria-selected={tab === 'report'} onClick={() => setTab('report')}>{t('citizen.report')}</button>
      </div>
      {tab === 'track' ? <Track /> : <Report />}
    </div>
  );
}

function Track() {
  const { t, i18n } = useTranslation();
  const [number, setNumber] = useState('');
  const [last4, setLast4] = useState('');
  const [found, setFound] = useState<PublicCase | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [rated, setRated] = useState(false);
  const query = async () => {
    setError(null);
    setRated(false);
    try {
      setFound(await api<PublicCase>('/api/v1/cases/public/query', { body: { number: number.trim(), phoneLast4: last4.trim() } }));
    } catch (err) {
      setFound(null);
      setError(err);
    }
  };
  const rate = async () => {
    if (!rating) return;
    setError(null);
    try {
      await api('/api/v1/cases/public/rate', { body: { number: found!.number, phoneLast4: last4.trim(), rating, ...(comment ? { comment } : {}) } });
      setRated(true);
      await query();
      setRated(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void query(); }}>
        <label>
          {t('citizen.number')}
          <input name="number" inputMode="numeric" value={number} onChange={(e) => setNumber(e.target.value)} required />
        </label>
        <label>
          {t('citizen.last4')}
          <input name="last4" inputMode="numeric" maxLength={4} value={last4} onChange={(e) => setLast4(e.target.value)} required />
        </label>
        <button type="submit" className="primary">{t('citizen.lookup')}</button>
      </form>
      <ErrorBox error={error} />
      {found && (
        <div className="public-case" data-testid="public-case" data-state={found.state}>
          <h2>{found.title}</h2>
          <p><strong data-testid="public-state">{t(`state.${found.state}`)}</strong> · {found.categoryName}</p>
          <p className="muted">{t('case.received')} {formatTime(found.receivedAt, i18n.language)} · {t('case.due')} {formatTime(found.dueAt, i18n.language)}</p>
          {found.reply && <p className="reply"><strong>{t('case.reply')}:</strong> {found.reply}</p>}
          <ol className="public-timeline">
            {found.timeline.map((h, i) => (
              <li key={i}><time>{formatTime(h.at, i18n.language)}</time> {t(`action.${h.action}`, { defaultValue: h.actionName })}{h.department ? ` · ${h.department}` : ''}</li>
            ))}
          </ol>
          {found.canRate && !rated && (
            <fieldset className="rate">
              <legend>{t('citizen.rate')}</legend>
              <div className="stars">
                {[5, 4, 3, 2, 1].map((r) => (
                  <label key={r} className={rating === r ? 'on' : ''}>
                    <input type="radio" name="rating" value={r} checked={rating === r} onChange={() => setRating(r)} /> {t(`rating.${r}`)}
                  </label>
                ))}
              </div>
              <label>
                {t('citizen.comment')}
                <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
              </label>
              <button type="button" className="primary" disabled={!rating} onClick={() => void rate()}>{t('citizen.submitRating')}</button>
            </fieldset>
          )}
          {(rated || found.rating !== null) && <p className="success" role="status" data-testid="rated">{t('citizen.thanks', { rating: t(`rating.${found.rating ?? rating}`) })}</p>}
        </div>
      )}
    </section>
  );
}

function Report() {
  const { t, i18n } = useTranslation();
  const categories = useLoad((signal) => api<{ items: Category[] }>('/api/v1/cases/categories', { signal }), []);
  const options = useMemo(() => categoryOptions(categories.data?.items ?? [], i18n.language), [categories.data, i18n.language]);
  const [form, setForm] = useState({ categoryCode: '', text: '', phone: '', name: '', address: '' });
  const [point, setPoint] = useState<{ lng: number; lat: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const locate = () => {
    if (!navigator.geolocation) return;
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => { setPoint({ lng: Number(p.coords.longitude.toFixed(6)), lat: Number(p.coords.latitude.toFixed(6)) }); setLocating(false); },
      () => setLocating(false),
      { timeout: 10_000 },
    );
  };
  const submit = async () => {
    setError(null);
    try {
      const r = await api<{ number: string }>('/api/v1/cases/public/report', {
        body: { categoryCode: form.categoryCode, text: form.text, phone: form.phone, ...(form.name ? { name: form.name } : {}), ...(form.address ? { address: form.address } : {}), ...(point ? { lng: point.lng, lat: point.lat } : {}) },
      });
      setDone(r.number);
    } catch (err) {
      setError(err);
    }
  };
  if (done) return <section className="panel"><p className="success" role="status" data-testid="report-done" data-number={done}>{t('citizen.reported', { number: done })}</p></section>;
  return (
    <section className="panel">
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <label>
          {t('intake.category')}
          <select name="category" value={form.categoryCode} onChange={set('categoryCode')} required>
            <option value="">{t('intake.pickCategory')}</option>
            {options.map((o) => <option key={o.code} value={o.code}>{o.label}</option>)}
          </select>
        </label>
        <label>
          {t('citizen.what')}
          <textarea name="text" rows={4} value={form.text} onChange={set('text')} required />
        </label>
        <label>
          {t('intake.address')}
          <input name="address" value={form.address} onChange={set('address')} />
        </label>
        <div className="row">
          <button type="button" onClick={locate} disabled={locating}>{t('citizen.useLocation')}</button>
          {point && <span className="muted small">{point.lng}, {point.lat}</span>}
        </div>
        <label>
          {t('citizen.phone')}
          <input name="phone" inputMode="tel" value={form.phone} onChange={set('phone')} required />
        </label>
        <label>
          {t('intake.name')}
          <input name="name" value={form.name} onChange={set('name')} />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary">{t('citizen.send')}</button>
      </form>
    </section>
  );
}
