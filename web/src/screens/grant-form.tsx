import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import type { Account, Department } from '../types.ts';
import { ErrorBox, useLoad } from '../ui.tsx';

/** Give an account a role for a department (`POST /api/v1/identity/accounts/:id/grants`). */
export function GrantForm({ accounts, onDone }: { accounts: Account[]; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const roles = useLoad((signal) => api<{ roles: Array<{ role: string; name: string }> }>('/api/v1/identity/roles', { signal }), []);
  const departments = useLoad((signal) => api<{ items: Department[] }>('/api/v1/organization/departments', { signal }), []);
  const [accountId, setAccountId] = useState('');
  const [role, setRole] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    setDone(null);
    try {
      const account = await api<Account>(`/api/v1/identity/accounts/${encodeURIComponent(accountId)}/grants`, { body: { role, ...(departmentId ? { departmentId } : {}) } });
      setDone(t('admin.granted', { username: account.username, role }));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="row grant-form" data-testid="grant-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <label>
        {t('admin.account')}
        <select name="grant-account" value={accountId} onChange={(e) => setAccountId(e.target.value)} required>
          <option value="" />
          {accounts.map((a) => <option key={a.id} value={a.id}>{a.username}</option>)}
        </select>
      </label>
      <label>
        {t('admin.role')}
        <select name="grant-role" value={role} onChange={(e) => setRole(e.target.value)} required>
          <option value="" />
          {(roles.data?.roles ?? []).map((r) => <option key={r.role} value={r.role}>{i18n.language === 'en' ? r.role : `${r.name} ${r.role}`}</option>)}
        </select>
      </label>
      <label>
        {t('admin.col.departmentId')}
        <select name="grant-department" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
          <option value="">{t('admin.ownDepartment')}</option>
          {(departments.data?.items ?? []).map((d) => <option key={d.id} value={d.id}>{i18n.language === 'en' && d.nameEn ? d.nameEn : d.name}</option>)}
        </select>
      </label>
      <button type="submit" className="primary">{t('admin.grant')}</button>
      <ErrorBox error={error} />
      {done && <p className="success" role="status">{done}</p>}
    </form>
  );
}
