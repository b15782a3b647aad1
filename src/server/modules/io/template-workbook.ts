import type * as Excel from 'exceljs';
import { loadExcelJS } from '../../excel.js';
import type { Cell } from './spreadsheet-reader.js';
import { columnLetter as letter } from './column-letter.js';

/**
 * Import templates, the same for every import kind: the data sheet first (headers only, required
 * ones starred and red, a note per header, code columns formatted as text so 18-digit numbers
 * stay exact, drop-downs for every vocabulary), then a "说明" sheet with the rules and one example
 * row, then a hidden "选项" sheet holding the drop-down lists (a list typed into the validation is
 * limited to 255 characters). The importer reads the first visible sheet and ignores 说明.
 */

export interface TemplateColumn {
  header: string;
  required?: boolean;
  note?: string;
  example: Cell;
  /** Values offered in a drop-down (labels in the template's language). */
  choices?: string[];
  /** Several values allowed (separated by 、): the drop-down then only suggests. */
  multiple?: boolean;
  /** Stored as text: codes, ID numbers, phone numbers. */
  text?: boolean;
}

export interface TemplateSpec {
  sheetName: string;
  lang: 'zh' | 'en';
  columns: TemplateColumn[];
  /** Kind-specific lines for the instruction sheet, after the general ones. */
  instructions?: string[];
  /** Rows offered to type into (validation and text format reach this far). */
  rows?: number;
}

/** ExcelJS has range validations (one element, not one per cell) but does not declare them. */
interface RangeValidations {
  dataValidations: { add(range: string, v: Excel.DataValidation): void };
}

/** Sheet names the importer never reads (instruction sheets of our templates). */
export const INSTRUCTION_SHEETS = ['说明', '填写说明', 'instructions', 'readme'];

export async function buildTemplate(spec: TemplateSpec): Promise<Buffer> {
  const zh = spec.lang === 'zh';
  const last = (spec.rows ?? 5000) + 1;
  const wb = new (await loadExcelJS()).Workbook();
  const ws = wb.addWorksheet(spec.sheetName);
  const help = wb.addWorksheet(zh ? '说明' : 'Instructions');
  const lists = wb.addWorksheet(zh ? '选项' : 'Options', { state: 'hidden' });

  ws.columns = spec.columns.map((c) => ({
    header: `${c.required ? '*' : ''}${c.header}`,
    width: Math.max(12, c.header.length * 2 + 4),
  }));
  const headerRow = ws.getRow(1);
  headerRow.font = { bold: true };
  let listCol = 0;
  spec.columns.forEach((c, i) => {
    const cell = headerRow.getCell(i + 1);
    if (c.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
    const example = c.example === null ? '' : `${zh ? '示例：' : 'e.g. '}${String(c.example)}`;
    cell.note = [c.note, example].filter(Boolean).join('\n') || ' ';
    const range = `${letter(i)}2:${letter(i)}${last}`;
    if (c.text) {
      // "@": what is typed stays text (no 3.30481E+17, no lost last digits)
      ws.getColumn(i + 1).numFmt = '@';
      cell.numFmt = '@';
    }
    if (c.choices?.length) {
      listCol += 1;
      lists.getRow(1).getCell(listCol).value = c.header;
      c.choices.forEach((v, k) => {
        lists.getRow(k + 2).getCell(listCol).value = v;
      });
      const source = `'${lists.name}'!$${letter(listCol - 1)}$2:$${letter(listCol - 1)}$${c.choices.length + 1}`;
      (ws as unknown as RangeValidations).dataValidations.add(range, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [source],
        // several values (e.g. 语文、数学) are allowed: the list suggests, it does not refuse
        showErrorMessage: !c.multiple,
        errorStyle: 'stop',
        errorTitle: zh ? '请从列表中选择' : 'Choose from the list',
        error: zh ? `可选：${c.choices.join('、')}` : `Choose one of: ${c.choices.join(', ')}`,
      });
    }
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];

  const general = zh
    ? [
        '填写说明',
        `1. 在“${spec.sheetName}”工作表中从第 2 行起每行填一条记录；不要改动第 1 行的列名，不要合并单元格，不要插入标题行。`,
        '2. 带 * 的列必须填写；其余列可以留空（留空表示不修改已有的值）。',
        '3. 代码、编号、身份证号、电话等列已设为“文本”格式：请直接输入或“选择性粘贴为数值”，不要改成数字格式，否则超过 15 位的号码会丢失末位。',
        '4. 有下拉箭头的列请从列表中选择；可填多个值的列用“、”分隔。',
        '5. 本“说明”工作表和隐藏的“选项”工作表导入时会被忽略；也可以另存为 CSV（UTF-8 或 GBK 均可）。',
        '6. 上传后先预览检查，确认无误后才会写入。',
      ]
    : [
        'How to fill in this template',
        `1. In the "${spec.sheetName}" sheet, one record per row from row 2; keep the headers of row 1; no merged cells, no title rows.`,
        '2. Columns marked * are required; the others may stay blank (blank keeps the stored value).',
        '3. Code, ID and phone columns are formatted as text: type or paste values; do not change them to numbers (more than 15 digits would be lost).',
        '4. Columns with a drop-down take a value from the list; several values are separated by 、.',
        '5. This sheet and the hidden Options sheet are ignored on import; saving as CSV (UTF-8 or GBK) works too.',
        '6. Every upload is previewed and checked first; nothing is written until you confirm.',
      ];
  help.getColumn(1).width = 24;
  let r = 1;
  for (const line of [...general, ...(spec.instructions ?? [])]) {
    help.getRow(r).getCell(1).value = line;
    if (r === 1) help.getRow(r).font = { bold: true, size: 14 };
    r += 1;
  }
  r += 1;
  help.getRow(r).getCell(1).value = zh ? '示例（一行）：' : 'Example row:';
  help.getRow(r).font = { bold: true };
  r += 1;
  spec.columns.forEach((c, i) => {
    help.getRow(r).getCell(i + 1).value = `${c.required ? '*' : ''}${c.header}`;
    const ex = help.getRow(r + 1).getCell(i + 1);
    ex.value = c.example;
    if (c.text) ex.numFmt = '@';
  });
  help.getRow(r).font = { bold: true };
  r += 3;
  help.getRow(r).getCell(1).value = zh ? '各列说明：' : 'Columns:';
  help.getRow(r).font = { bold: true };
  for (const c of spec.columns) {
    r += 1;
    const parts = [
      c.required ? (zh ? '必填' : 'required') : zh ? '选填' : 'optional',
      c.text ? (zh ? '文本' : 'text') : '',
      c.choices
        ? `${zh ? '可选' : 'choices'}：${c.choices.join('、')}${c.multiple ? (zh ? '（可多选，用“、”分隔）' : ' (several, separated by 、)') : ''}`
        : '',
      c.note ?? '',
    ].filter(Boolean);
    help.getRow(r).getCell(1).value = c.header;
    help.getRow(r).getCell(2).value = parts.join('；');
  }
  help.getColumn(2).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
