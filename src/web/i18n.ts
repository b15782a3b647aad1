import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { setApiLanguage } from './api/client';

export const LANGS = ['zh-CN', 'en-US'] as const;
export type UiLang = (typeof LANGS)[number];
const STORAGE_KEY = 'gongjin.lang';

// Every module drops its namespace into locales/<lang>/<module>.json; nothing to register by hand.
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, mod] of Object.entries(files)) {
  const m = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!m) continue;
  const [, lang = '', ns = ''] = m;
  (resources[lang] ??= {})[ns] = mod.default;
}

function initialLang(): UiLang {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return saved === 'en-US' ? 'en-US' : 'zh-CN';
}

function applySideEffects(lang: UiLang) {
  setApiLanguage(lang === 'en-US' ? 'en' : 'zh');
  dayjs.locale(lang === 'en-US' ? 'en' : 'zh-cn');
  document.documentElement.lang = lang;
}

const lang = initialLang();
applySideEffects(lang);
void i18n.use(initReactI18next).init({
  resources,
  lng: lang,
  fallbackLng: 'zh-CN',
  defaultNS: 'common',
  ns: Object.keys(resources['zh-CN'] ?? {}),
  interpolation: { escapeValue: false },
  returnNull: false,
});

export async function changeLanguage(next: UiLang) {
  localStorage.setItem(STORAGE_KEY, next);
  applySideEffects(next);
  await i18n.changeLanguage(next);
}

export default i18n;
