import { once } from './lazy.js';

/** ExcelJS, loaded when the first spreadsheet is written rather than at start-up. */
export const loadExcelJS = once(async () => (await import('exceljs')).default);
