import type { ImportColumn } from './import-kind.js';
import { cleanHeader, SpreadsheetError, type Cell } from './spreadsheet-reader.js';
export { columnLetter } from './column-letter.js';
import { columnLetter } from './column-letter.js';

/** How the file's columns map onto the importer's fields; shown in the preview before anything is written. */
export interface ColumnMapping {
  /** Row numbers (as the spreadsheet shows them) holding the header: one, or two for a two-level header. */
  headerRows: number[];
  used: { column: string; header: string; key: string; field: string; fieldEn: string }[];
  /** Columns not imported; `unnamed` marks data under an empty header cell (header reads “第 F 列（无列名）”). */
  ignored: { column: string; header: string; unnamed?: true }[];
  /** Optional fields the file has no column for: an update leaves them as they are. */
  missingOptional: { key: string; field: string; fieldEn: string }[];
}

export interface MappedHeader {
  mapping: ColumnMapping;
  /** Per file column: the importer column it fills, or null (ignored). */
  columns: (ImportColumn | null)[];
  /** Index (in the rows given) of the first data row. */
  dataStart: number;
  /** The header text of each column ('' when the header cell is empty). */
  names: string[];
}

const hasValue = (c: Cell | undefined) => c !== null && c !== undefined && !(typeof c === 'string' && c.trim() === '');

/**
 * A data row with a value under an empty header cell (or right of the header) adds that column to
 * the ignored ones once, so the clerk sees it is not imported instead of it vanishing silently.
 */
export function noteUnnamedColumns(m: MappedHeader, cells: Cell[]): void {
  cells.forEach((c, i) => {
    if (!hasValue(c) || (m.names[i] ?? '') !== '') return;
    const letter = columnLetter(i);
    const ignored = m.mapping.ignored;
    if (ignored.some((x) => x.column === letter)) return;
    const at = ignored.findIndex(
      (x) => x.column.length > letter.length || (x.column.length === letter.length && x.column > letter),
    );
    const entry = { column: letter, header: `第 ${letter} 列（无列名）`, unnamed: true as const };
    if (at < 0) ignored.push(entry);
    else ignored.splice(at, 0, entry);
  });
}

/** How many rows from the top are searched for the header (title rows, notes, two-level headers). */
export const HEADER_SEARCH_ROWS = 10;

function lookup(columns: ImportColumn[], custom: Record<string, string>) {
  const byName = new Map<string, ImportColumn>();
  const byKey = new Map(columns.map((c) => [c.key, c]));
  for (const c of columns) {
    for (const a of c.aliases ?? []) byName.set(cleanHeader(a).toLowerCase(), c);
  }
  for (const c of columns) {
    byName.set(cleanHeader(c.zh).toLowerCase(), c);
    byName.set(cleanHeader(c.en).toLowerCase(), c);
  }
  // the user's own choices win over the built-in names
  for (const [header, key] of Object.entries(custom)) {
    const c = byKey.get(key);
    if (c) byName.set(cleanHeader(header).toLowerCase(), c);
  }
  return (name: string) => (name ? (byName.get(name.toLowerCase()) ?? null) : null);
}

/** The header text of each column: a one-row header, or a two-level one read as the lower name (else upper+lower, else upper). */
function candidateNames(upper: Cell[], lower: Cell[] | null, find: (n: string) => ImportColumn | null): string[] {
  const width = Math.max(upper.length, lower?.length ?? 0);
  const names: string[] = [];
  let group = '';
  for (let i = 0; i < width; i++) {
    const u = cleanHeader(upper[i] ?? null);
    if (u) group = u; // a merged group label covers the columns to its right
    if (!lower) {
      names.push(u);
      continue;
    }
    const l = cleanHeader(lower[i] ?? null);
    if (!l) {
      names.push(u);
      continue;
    }
    if (find(l)) names.push(l);
    else if (find(group + l)) names.push(group + l);
    else names.push(l);
  }
  return names;
}

function score(names: string[], columns: ImportColumn[], find: (n: string) => ImportColumn | null) {
  const keys = new Set(
    names
      .map(find)
      .filter((c): c is ImportColumn => c !== null)
      .map((c) => c.key),
  );
  const required = columns.filter((c) => c.required);
  return { matched: keys.size, hasRequired: required.every((c) => keys.has(c.key)) };
}

/**
 * Finds the header among the first rows (title rows above it are skipped; a two-level header is
 * read as one), then maps every column. `headerRow` (1-based, as the user picked it) overrides
 * the search. Two columns meaning the same field are refused with both names.
 */
export function mapHeader(
  rows: { row: number; cells: Cell[] }[],
  columns: ImportColumn[],
  opts: { headerRow?: number | undefined; custom?: Record<string, string> } = {},
): MappedHeader {
  const find = lookup(columns, opts.custom ?? {});
  const nonEmpty = rows.filter((r) => r.cells.some((c) => c !== null));
  if (nonEmpty.length === 0) throw new SpreadsheetError('文件为空', 'The file is empty');
  let best: { index: number; two: boolean; names: string[]; matched: number; hasRequired: boolean } | null = null;
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    if (opts.headerRow !== undefined && rows[i]!.row !== opts.headerRow) continue;
    for (const two of [false, true]) {
      if (two && (i + 1 >= rows.length || opts.headerRow !== undefined)) continue;
      const names = candidateNames(rows[i]!.cells, two ? rows[i + 1]!.cells : null, find);
      const s = score(names, columns, find);
      const better =
        !best ||
        (s.hasRequired && !best.hasRequired) ||
        (s.hasRequired === best.hasRequired &&
          (s.matched > best.matched || (s.matched === best.matched && !two && best.two)));
      if (better) best = { index: i, two, names, ...s };
    }
  }
  if (!best || best.matched === 0) {
    const first = nonEmpty[0]!;
    throw new SpreadsheetError(
      `前 ${HEADER_SEARCH_ROWS} 行中找不到表头（第 ${first.row} 行为“${first.cells
        .filter((c) => c !== null)
        .slice(0, 3)
        .join('、')}”）；请使用导入模板的列名`,
      `No header found in the first ${HEADER_SEARCH_ROWS} rows (row ${first.row} reads "${first.cells
        .filter((c) => c !== null)
        .slice(0, 3)
        .join(', ')}"); use the template's column names`,
    );
  }
  const headerRows = best.two ? [rows[best.index]!.row, rows[best.index + 1]!.row] : [rows[best.index]!.row];
  const mapped: (ImportColumn | null)[] = [];
  const firstOf = new Map<string, { column: string; header: string }>();
  const mapping: ColumnMapping = { headerRows, used: [], ignored: [], missingOptional: [] };
  best.names.forEach((name, i) => {
    const col = find(name);
    const letter = columnLetter(i);
    if (!col) {
      mapped.push(null);
      if (name) mapping.ignored.push({ column: letter, header: name });
      return;
    }
    const earlier = firstOf.get(col.key);
    if (earlier) {
      throw new SpreadsheetError(
        earlier.header === name
          ? `表头“${name}”出现了两次（${earlier.column} 列和 ${letter} 列），请删除其中一列`
          : `“${earlier.header}”（${earlier.column} 列）和“${name}”（${letter} 列）都对应“${col.zh}”，请删除或改名其中一列`,
        earlier.header === name
          ? `Header "${name}" appears twice (columns ${earlier.column} and ${letter}); remove one`
          : `"${earlier.header}" (column ${earlier.column}) and "${name}" (column ${letter}) both mean "${col.en}"; remove or rename one`,
      );
    }
    firstOf.set(col.key, { column: letter, header: name });
    mapped.push(col);
    mapping.used.push({ column: letter, header: name, key: col.key, field: col.zh, fieldEn: col.en });
  });
  const missing = columns.filter((c) => c.required && !firstOf.has(c.key));
  if (missing.length) {
    throw new SpreadsheetError(
      `缺少必填列：${missing.map((c) => c.zh).join('、')}（表头在第 ${headerRows.join('、')} 行；请使用导入模板）`,
      `Missing required columns: ${missing.map((c) => c.en).join(', ')} (header on row ${headerRows.join(', ')}; use the template)`,
    );
  }
  mapping.missingOptional = columns
    .filter((c) => !c.required && !firstOf.has(c.key))
    .map((c) => ({ key: c.key, field: c.zh, fieldEn: c.en }));
  return { mapping, columns: mapped, dataStart: best.index + (best.two ? 2 : 1), names: best.names };
}
