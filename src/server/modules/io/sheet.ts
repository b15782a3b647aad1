/** What every sheet reader shares: cells, rows, file-level refusals and the size limits (a leaf: imports no reader). */

export type Cell = string | number | boolean | Date | null;
export interface SheetRow {
  /** Row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  cells: Cell[];
}

/** A file-level problem (not a row's): wrong type, extra sheets, merged or blank headers. */
export class SpreadsheetError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
    /** 415 when the file is not a spreadsheet at all, 422 when its content is unusable. */
    readonly status: 415 | 422 = 422,
  ) {
    super(en);
  }
}

export interface XlsxLimits {
  /** Bytes the parts read may unpack to, all together. */
  maxUnpackedBytes: number;
  /** Highest data row number (after the header) a sheet may have. */
  maxRows: number;
}

/** GONGJIN_IMPORT_MAX_UNPACKED_MB (default 200) and GONGJIN_IMPORT_MAX_ROWS (default 1,000,000). */
export function importLimits(env: NodeJS.ProcessEnv = process.env): XlsxLimits {
  const mb = Number(env.GONGJIN_IMPORT_MAX_UNPACKED_MB ?? '');
  const rows = Number(env.GONGJIN_IMPORT_MAX_ROWS ?? '');
  return {
    maxUnpackedBytes: Math.round((Number.isFinite(mb) && mb > 0 ? mb : 200) * 1024 * 1024),
    maxRows: Number.isInteger(rows) && rows > 0 ? rows : 1_000_000,
  };
}

/** A row past the row limit still holds data (CSV or sheet). */
export function tooManyRows(row: number, max: number, sheet?: string): SpreadsheetError {
  return new SpreadsheetError(
    `${sheet === undefined ? '' : `工作表“${sheet}”的`}第 ${row} 行仍有数据：每个文件最多导入 ${max} 行，请分成几个文件导入（或删除表格下方多余的内容）`,
    `${sheet === undefined ? 'The file' : `Sheet "${sheet}"`} still has data on row ${row}: a file may hold at most ${max} rows; split it (or delete stray content below the table)`,
  );
}
