import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { ErrorBox, Section, useLoad } from '../ui.tsx';
import { useSession } from '../session.tsx';
import type { Account } from '../types.ts';
import { GrantForm } from './grant-form.tsx';

type Row = Record<string, unknown>;

interface Tab {
  key: string;
  permission: string;
  load: string;
  columns: string[];
  /** CSV export link, when the API has one. */
  exportHref?: string;
  /** CSV import endpoint, when the API has one. */
  importPath?: string;
  rows?: (body: unknown) => Row[];
}

const items = (body: unknown): Row[] => (body as { items?: Row[] }).items ?? [];

const TABS: Tab[] = [
  { key: 'departments', permission: 'organization.read', load: '/api/v1/organization/departments', columns: ['code', 'name', 'tier', 'kind'] },
  { key: 'staff', permission: 'organization.read', load: '/api/v1/organization/staff', columns: ['code', 'name', 'departmentId', 'roles'] },
  { key: 'accounts', permission: 'identity.admin', load: '/api/v1/identity/accounts', columns: ['username', 'displayName', 'grants', 'active', 'lastLoginAt'] },
  { key: 'rules', permission: 'organization.read', load: '/api/v1/organization/rules', columns: ['categoryPrefix', 'areaId', 'departmentId', 'priority', 'note'], exportHref: '/api/v1/organization/rules/export', importPath: '/api/v1/organization/rules/import' },
  { key: 'categories', permission: 'cases.settings', load: '/api/v1/cases/categories', columns: ['code', 'name', 'nameEn', 'parentCode'], importPath: '/api/v1/cases/categories/import' },
  { key: 'calendar', permission: 'calendar.admin', load: '/api/v1/calendar/days', columns: ['date', 'type', 'name'], importPath: '/api/v1/calendar/days', rows: (b) => (Array.isArray(b) ? (b as Row[]) : ((b as { days?: Row[]; items?: Row[] }).days ?? items(b))) },
];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? String((v as Row).role ?? JSON.stringify(v)) : String(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Admin (系统管理): departments, staff & roles, responsibility list, categories, holiday calendar; CSV where the API has it. */
export function Admin() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const tabs = TABS.filter((tab) => can(tab.permission));
  const [key, setKey] = useState(tabs[0]?.key ?? 'departments');
  const tab = tabs.find((x) => x.key === key) ?? tabs[0];
  const [filter, setFilter] = useState('');
  const [report, setReport] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const data = useLoad((signal) => (tab ? api<unknown>(tab.load, { signal }) : Promise.resolve(null)), [tab?.key]);
  // Ids are shown as names: departments and areas, loaded once.
  const names = useLoad(async (signal) => {
    const map = new Map<string, string>();
    const [deps, areas] = await Promise.all([
      can('organization.read') ? api<{ items: Array<{ id: string; name: string }> }>('/api/v1/organization/departments', { signal }) : Promise.resolve({ items: [] }),
      can('places.read') ? api<{ items: Array<{ id: string; name: string }> }>('/api/v1/places/areas', { signal }) : Promise.resolve({ items: [] }),
    ]);
    for (const x of [...deps.items, ...areas.items]) map.set(x.id, x.name);
    return map;
  }, []);
  // Enum values in the UI language (tier, department kind, day type, roles); unknown values as they are.
  const word = (group: string, value: string) => (i18n.exists(`${group}.${value}`) ? t(`${group}.${value}`) : value);
  const ENUMS: Record<string, string> = { tier: 'tier', kind: 'deptKind', type: 'dayType' };
  const show = (column: string, value: unknown): string => {
    if ((column === 'departmentId' || column === 'areaId') && typeof value === 'string') return names.data?.get(value) ?? value;
    if (ENUMS[column] && typeof value === 'string') return word(ENUMS[column], value);
    if ((column === 'roles' || column === 'grants') && Array.isArray(value)) return value.map((v) => word('role', typeof v === 'object' && v !== null ? String((v as Row).role ?? '') : String(v))).join(', ');
    if (typeof value === 'boolean') return t(value ? 'yesNo.yes' : 'yesNo.no');
    return cell(value);
  };
  if (!tab) return <p className="error">{t('app.forbidden')}</p>;
  const rows = data.data ? (tab.rows ?? items)(data.data) : [];
  const shown = filter ? rows.filter((r) => tab.columns.some((c) => show(c, r[c]).includes(filter))) : rows;
  const upload = async (file: File) => {
    setError(null);
    setReport(null);
    try {
      const r = await api<unknown>(tab.importPath!, { text: await file.text(), contentType: 'text/csv' });
      setReport(JSON.stringify(r).slice(0, 400));
      data.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'UPLOAD_FAILED', String(err)));
    }
  };
  return (
    <div className="stack">
      <div className="tabs" role="tablist">
        {tabs.map((x) => (
          <button type="button" role="tab" key={x.key} aria-selected={x.key === tab.key} onClick={() => { setKey(x.key); setFilter(''); setReport(null); }}>{t(`admin.${x.key}`)}</button>
        ))}
      </div>
      <Section
        title={`${t(`admin.${tab.key}`)} (${rows.length})`}
        testId={`admin-${tab.key}`}
        actions={
          <div className="row">
            <input type="search" placeholder={t('admin.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={t('admin.filter')} />
            {tab.exportHref && <a className="button" href={tab.exportHref}>{t('admin.exportCsv')}</a>}
            {tab.importPath && (
              <label className="button">
                {t('admin.importCsv')}
                <input type="file" accept=".csv,text/csv" hidden onChange={(e) => { const f = e.target.files?.[0]; if (f) void upload(f); e.target.value = ''; }} />
              </label>
            )}
          </div>
        }
      >
        <ErrorBox error={data.error ?? error} />
        {report && <pre className="report">{report}</pre>}
        {tab.key === 'accounts' && <GrantForm accounts={rows as unknown as Account[]} onDone={data.reload} />}
        <div className="table-wrap">
          <table>
            <thead><tr>{tab.columns.map((c) => <th key={c}>{t(`admin.col.${c}`)}</th>)}</tr></thead>
            <tbody>
              {shown.slice(0, 500).map((r, i) => (
                <tr key={String(r.id ?? r.code ?? r.date ?? i)}>{tab.columns.map((c) => <td key={c}>{show(c, r[c])}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
        {shown.length > 500 && <p className="muted small">{t('admin.truncated', { count: shown.length })}</p>}
      </Section>
    </div>
  );
}
