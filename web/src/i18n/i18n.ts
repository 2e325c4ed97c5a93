import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';

const STORED = 'cityloop.lang';

function initialLanguage(): 'zh-CN' | 'en' {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORED) : null;
  if (stored === 'en' || stored === 'zh-CN') return stored;
  // The console speaks Chinese by default; `?lang=en` opens it in English (links, screenshots).
  const q = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('lang') : null;
  return q === 'en' ? 'en' : 'zh-CN';
}

const lng = initialLanguage();
if (typeof document !== 'undefined') document.documentElement.lang = lng;

/** The one i18next instance: zh-CN by default, English on request; every key exists in both. */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  lng,
  fallbackLng: 'zh-CN',
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Switch the UI language and remember it in this browser. */
export function setLanguage(lang: 'zh-CN' | 'en'): void {
  localStorage.setItem(STORED, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}
