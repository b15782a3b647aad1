/** The io module's public surface: reading spreadsheets and CSV, cell parsers, import kinds, and xlsx exports. */
export { code, decimal, integer, manyOf, oneOf, schoolYear, text, yearOf, yesNo } from './cell-parsers.js';
export { readCsvBatches } from './csv-reader.js';
export { type ImportColumn, type ImportKindDef, asWritable, keepStored, validateWith } from './import-kind.js';
export { dropImportFile } from './retention.js';
export {
  type Cell,
  type SheetRow,
  SpreadsheetError,
  detectType,
  readRows,
  spreadsheetRefusal,
} from './spreadsheet-reader.js';
export { buildTemplate } from './template-workbook.js';
export {
  type ExportColumn,
  type XlsxSheet,
  labelOf,
  labelsOf,
  sendXlsx,
  sendXlsxSheets,
  xlsxSheet,
} from './xlsx-export.js';
