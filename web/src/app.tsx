import { Component, useEffect, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Router, Link, useRouter } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';
import { setLanguage } from './i18n/i18n.ts';
import { LoginScreen } from './screens/login.tsx';
import { AgentIntake } from './screens/agent-intake.tsx';
import { DispatchDesk } from './screens/dispatch-desk.tsx';
import { Workbench } from './screens/workbench.tsx';
import { CitizenPage } from './screens/citizen.tsx';
import { Supervision } from './screens/supervision.tsx';
import { CasePage } from './screens/case-page.tsx';
import { BigScreen } from './screens/big-screen.tsx';
import { Admin } from './screens/admin.tsx';

/** A screen of the console and who sees it in the navigation (any of the permissions). */
interface Screen {
  path: string;
  label: string;
  any: string[];
  render: () => ReactNode;
}

export const SCREENS: Screen[] = [
  { path: '/intake', label: 'nav.intake', any: ['cases.intake'], render: () => <AgentIntake /> },
  { path: '/dispatch', label: 'nav.dispatch', any: ['cases.dispatch'], render: () => <DispatchDesk /> },
  { path: '/workbench', label: 'nav.workbench', any: ['cases.handle'], render: () => <Workbench /> },
  { path: '/supervision', label: 'nav.supervision', any: ['cases.supervise', 'cases.kpi'], render: () => <Supervision /> },
  { path: '/big-screen', label: 'nav.bigScreen', any: ['cases.kpi', 'vitals.read'], render: () => <BigScreen /> },
  { path: '/admin', label: 'nav.admin', any: ['identity.admin', 'organization.admin', 'cases.settings'], render: () => <Admin /> },
];

export function App() {
  return (
    <SessionProvider>
      <Router>
        <Shell />
      </Router>
    </SessionProvider>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <button type="button" className="lang" data-testid="lang-switch" onClick={() => setLanguage(next)} aria-label={t('app.switchLanguage')}>
      {next === 'en' ? 'English' : '中文'}
    </button>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { path, navigate } = useRouter();
  const { me, can, logout } = useSession();
  const visible = SCREENS.filter((s) => s.any.some((p) => can(p)));

  // Landing screen: the first one the account may open, dispatch desk first (dispatchers also hold intake).
  const landing = ['/dispatch', '/intake', '/workbench', '/supervision', '/big-screen', '/admin'].find((p) => visible.some((s) => s.path === p)) ?? '/citizen';
  useEffect(() => {
    if (me && (path === '/' || path === '/login')) navigate(landing);
  }, [me, path, navigate, landing]);

  // The citizen page and the big screen stand alone (no staff chrome).
  if (path.startsWith('/citizen')) return <CitizenPage languageSwitch={<LanguageSwitch />} />;
  if (me === undefined) return <p className="loading">{t('app.loading')}</p>;
  if (me === null) return <LoginScreen languageSwitch={<LanguageSwitch />} />;
  if (path.startsWith('/big-screen')) return <BigScreen />;

  const casePage = /^\/cases\/([^/]+)$/.exec(path);
  const screen = SCREENS.find((s) => path.startsWith(s.path));
  let content: ReactNode;
  if (casePage) content = can('cases.read') ? <CasePage id={decodeURIComponent(casePage[1]!)} /> : <Forbidden />;
  else if (screen) content = screen.any.some((p) => can(p)) ? screen.render() : <Forbidden />;
  else content = <p>{t('app.pickScreen')}</p>;

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('app.navigation')}>
          {visible.map((s) => (
            <Link key={s.path} to={s.path} className={path.startsWith(s.path) ? 'active' : ''} aria-current={path.startsWith(s.path) ? 'page' : undefined} data-testid={`nav-${s.path.slice(1)}`}>
              {t(s.label)}
            </Link>
          ))}
          <Link to="/citizen">{t('nav.citizen')}</Link>
        </nav>
        <span className="spacer" />
        <span className="who" data-testid="who">{me.account.displayName}</span>
        <LanguageSwitch />
        <button type="button" onClick={() => void logout().then(() => navigate('/login'))}>{t('app.logout')}</button>
      </header>
      <main>
        <ScreenBoundary key={path}>{content}</ScreenBoundary>
      </main>
    </div>
  );
}

function Forbidden() {
  const { t } = useTranslation();
  return <p className="error" role="alert">{t('app.forbidden')}</p>;
}

/** A screen that fails to render shows a message instead of blanking the console; navigating away resets it. */
class ScreenBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('screen failed', error, info.componentStack);
  }
  override render(): ReactNode {
    return this.state.failed ? <ScreenFailed /> : this.props.children;
  }
}

function ScreenFailed() {
  const { t } = useTranslation();
  return <p className="error" role="alert">{t('app.unexpectedError')}</p>;
}
