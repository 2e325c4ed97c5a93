import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session.tsx';
import { ErrorBox } from '../ui.tsx';
import { Link } from '../router.tsx';

/** Sign in with username and password; the server sets the `cityloop_session` cookie. */
export function LoginScreen({ languageSwitch }: { languageSwitch: ReactNode }) {
  const { t } = useTranslation();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="login">
      <form
        className="panel login-form"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          login(username, password).catch(setError).finally(() => setBusy(false));
        }}
      >
        <div className="login-head">
          <h1>{t('app.name')}</h1>
          {languageSwitch}
        </div>
        <p className="muted">{t('login.subtitle')}</p>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>{t('login.submit')}</button>
        {/* The demo accounts exist only in a demo city, which runs on a developer's machine. */}
        {['localhost', '127.0.0.1'].includes(location.hostname) && <p className="muted small">{t('login.demoHint')}</p>}
        <Link to="/citizen">{t('login.citizenLink')}</Link>
      </form>
    </div>
  );
}
