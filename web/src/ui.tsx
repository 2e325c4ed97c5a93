import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from './api.ts';
import { Link } from './router.tsx';
import type { CaseItem, Category, Light } from './types.ts';

/** Date and time in the city's zone (Asia/Shanghai), short. */
export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** Load something from the API; `reload` runs it again (after an action, on a live update). */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  // The latest loader, without making every render a reason to load again.
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    const ctl = new AbortController();
    loadRef.current(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !ctl.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** A coded API error in the UI language (the server translates it), or a generic one. */
export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (error instanceof DOMException && error.name === 'AbortError') return null;
  // The localized message only; the code (and field) stay in the title for support.
  if (error instanceof ApiError) return <p className="error" role="alert" title={`${error.code}${error.field ? ` · ${error.field}` : ''}`} data-code={error.code}>{error.message}</p>;
  return <p className="error" role="alert">{t('app.unexpectedError')}</p>;
}

/** The deadline light: green, yellow (at risk) or red (overdue). */
export function LightBadge({ light }: { light: Light }) {
  const { t } = useTranslation();
  return <span className={`light light-${light}`} data-light={light}>{t(`light.${light}`)}</span>;
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return <span className={`state state-${state}`}>{t(`state.${state}`)}</span>;
}

/**
 * A list of cases with their deadline light; the number opens the case page. `signFor`: a list of
 * cases to sign for, whose deadline column is the sign-for deadline, red once it has passed.
 */
export function CaseTable({ items, onPick, picked, testId, signFor = false }: { items: CaseItem[]; onPick?: (c: CaseItem) => void; picked?: string | null; testId?: string; signFor?: boolean }) {
  const { t, i18n } = useTranslation();
  // The time a sign-for deadline is compared with, moving on every half minute.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!signFor) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [signFor]);
  if (items.length === 0) return <p className="empty">{t('app.noCases')}</p>;
  return (
    <div className="table-wrap">
      <table className="cases" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('case.number')}</th>
            <th>{t('case.title')}</th>
            <th>{t('case.state')}</th>
            <th>{t('case.department')}</th>
            <th>{t(signFor ? 'case.signDue' : 'case.due')}</th>
            <th>{t('case.light')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} className={picked === c.id ? 'picked' : ''} data-number={c.number}>
              <td><Link to={`/cases/${c.number}`}>{c.number}</Link></td>
              <td>{onPick ? <button type="button" className="linklike" onClick={() => onPick(c)}>{c.title}</button> : c.title}</td>
              <td><StateBadge state={c.state} /></td>
              <td>{c.mainDepartmentName ?? '—'}</td>
              <td>{formatTime(c.state === 'dispatched' ? (c.signDueAt ?? c.dueAt) : c.dueAt, i18n.language)}</td>
              <td>{signFor && c.signDueAt && Date.parse(c.signDueAt) < now
                ? <span className="light light-red" data-light="red" data-sign-overdue="yes">{t('case.signOverdue')}</span>
                : <LightBadge light={c.light} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Section({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={testId}>
      <header>
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

let categoriesOnce: Promise<Map<string, Category>> | null = null;

/** A category's name in the UI language (the API names cases in Chinese; the tree has English names too). */
export function useCategoryName(): (code: string, fallback: string | null) => string {
  const { i18n } = useTranslation();
  const [byCode, setByCode] = useState<Map<string, Category> | null>(null);
  useEffect(() => {
    let live = true;
    categoriesOnce ??= api<{ items: Category[] }>('/api/v1/cases/categories').then((r) => new Map(r.items.map((c) => [c.code, c])));
    categoriesOnce.then((m) => live && setByCode(m), () => {
      categoriesOnce = null;
    });
    return () => {
      live = false;
    };
  }, []);
  return (code, fallback) => {
    const c = byCode?.get(code);
    return (i18n.language === 'en' && c?.nameEn ? c.nameEn : c?.name) ?? fallback ?? code;
  };
}
