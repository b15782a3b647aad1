import { describe, expect, it } from 'vitest';

// the same files, found the same way, as i18n.ts loads
const files = import.meta.glob<{ default: Tree }>('./locales/*/*.json', { eager: true });
const LANGS = ['zh-CN', 'en-US'];

// en values that may keep Han characters, with why: search examples are real (Chinese) resource titles.
const HAN_ALLOWED = new Set(['resources:searchPlaceholder']);

type Tree = { [k: string]: string | Tree };
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

function namespaces(lang: string): string[] {
  return Object.keys(files)
    .map((p) => /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(p))
    .filter((m): m is RegExpExecArray => m?.[1] === lang)
    .map((m) => m[2] ?? '')
    .sort();
}

function load(lang: string): Map<string, string> {
  const all = new Map<string, string>();
  for (const ns of namespaces(lang)) {
    const tree = files[`./locales/${lang}/${ns}.json`]?.default ?? {};
    for (const [k, v] of flatten(tree)) all.set(`${ns}:${k}`, v);
  }
  return all;
}

describe('locale files', () => {
  const [zh, en] = LANGS.map(load) as [Map<string, string>, Map<string, string>];

  it('have the same namespaces in every language', () => {
    expect(namespaces('zh-CN').length).toBeGreaterThan(10);
    expect(namespaces('en-US')).toEqual(namespaces('zh-CN'));
  });

  it('every zh key exists in en and every en key in zh', () => {
    expect(zh.size).toBeGreaterThan(100);
    expect([...zh.keys()].filter((k) => !en.has(k))).toEqual([]);
    expect([...en.keys()].filter((k) => !zh.has(k))).toEqual([]);
  });

  it('no en value contains Han characters, except the allow-listed ones', () => {
    const han = [...en].filter(([k, v]) => /\p{Script=Han}/u.test(v) && !HAN_ALLOWED.has(k)).map(([k]) => k);
    expect(han).toEqual([]);
  });

  it('the points column has a real header, not an abbreviation', () => {
    expect(en.get('assessment:pointsHeader')).toBe('Points');
    expect([...en.values()]).not.toContain('pts');
  });
});
