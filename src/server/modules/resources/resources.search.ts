/**
 * Chinese full-text search without a Chinese parser. PostgreSQL's parsers do not segment Chinese
 * (and under the C locale they may drop Han characters entirely), so the library builds its own
 * lexemes in TypeScript at write time and hands PostgreSQL a tsvector / tsquery literal, which the
 * input functions take verbatim on PostgreSQL 15 and PGlite alike:
 *
 * - a run of Han characters becomes its overlapping bigrams (初中数学 → 初中 中数 数学) plus the
 *   run's last character, so every character starts a lexeme and one-character queries work as
 *   prefix matches;
 * - Latin letters and digits become lower-case words, split where letters meet digits
 *   ("Unit3" → unit 3), after NFKC folds full-width forms (２０２５ → 2025).
 *
 * A query is tokenised the same way: each Han run becomes a phrase of its bigrams (数学复习 →
 * 数学 <-> 学复 <-> 复习), words become prefix matches, numbers exact matches, all ANDed.
 */

export type Weight = 'A' | 'B' | 'C' | 'D';
export interface Token {
  lexeme: string;
  /** true for a Han bigram/unigram, false for a Latin word or number */
  han: boolean;
}

const HAN = /\p{Script=Han}/u;
// letters of any script but Han, and digits; everything else separates tokens
const WORD = /[\p{L}\p{N}]/u;
const MAX_POSITION = 16383; // PostgreSQL's limit for tsvector positions
const MAX_POSITIONS_PER_LEXEME = 32; // enough for ranking; keeps vectors of long texts small

type Run = { han: boolean; text: string };

function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let cur: Run | null = null;
  for (const ch of text.normalize('NFKC').toLowerCase()) {
    const han = HAN.test(ch);
    const word = !han && WORD.test(ch);
    if (!han && !word) {
      cur = null;
      continue;
    }
    // a Latin word ends where letters meet digits, so "unit3" and "2025年" split naturally
    const isDigit = /\p{N}/u.test(ch);
    const sameKind = cur && cur.han === han && (han || /\p{N}/u.test(cur.text.at(-1) ?? '') === isDigit);
    if (cur && sameKind) cur.text += ch;
    else {
      cur = { han, text: ch };
      runs.push(cur);
    }
  }
  return runs;
}

function hanLexemes(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  out.push(chars[chars.length - 1]!);
  return out;
}

/** The lexemes of a text, in order. */
export function tokenize(text: string | null | undefined): Token[] {
  if (!text) return [];
  const out: Token[] = [];
  for (const run of runsOf(text)) {
    if (run.han) for (const lexeme of hanLexemes(run.text)) out.push({ lexeme, han: true });
    else out.push({ lexeme: run.text, han: false });
  }
  return out;
}

const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A tsvector literal of weighted fields, e.g. `'初中':1A '中数':2A …`. Positions run on across
 * fields (with a gap) so phrases never match across a field boundary.
 */
export function buildTsvector(fields: { text: string | null | undefined; weight: Weight }[]): string {
  const positions = new Map<string, string[]>();
  let pos = 0;
  for (const f of fields) {
    for (const t of tokenize(f.text)) {
      pos = Math.min(pos + 1, MAX_POSITION);
      const list = positions.get(t.lexeme) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${pos}${f.weight}`);
      positions.set(t.lexeme, list);
    }
    pos = Math.min(pos + 1, MAX_POSITION);
  }
  return [...positions].map(([lexeme, ps]) => `${quote(lexeme)}:${ps.join(',')}`).join(' ');
}

/** The tsquery literal of a user's search text, or null when it holds nothing searchable. */
export function buildTsquery(q: string | null | undefined): string | null {
  if (!q) return null;
  const parts: string[] = [];
  for (const run of runsOf(q)) {
    if (run.han) {
      const chars = [...run.text];
      if (chars.length === 1) parts.push(`${quote(run.text)}:*`);
      else {
        const bigrams: string[] = [];
        for (let i = 0; i + 1 < chars.length; i++) bigrams.push(quote(chars[i]! + chars[i + 1]!));
        parts.push(bigrams.length === 1 ? bigrams[0]! : `(${bigrams.join(' <-> ')})`);
      }
    } else if (/^\p{N}+$/u.test(run.text)) parts.push(quote(run.text));
    else parts.push(`${quote(run.text)}:*`);
  }
  return parts.length ? parts.join(' & ') : null;
}
