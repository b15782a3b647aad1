import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { importLimits, tooManyRows, type SheetRow } from './sheet.js';

/**
 * The one CSV reader of every importer (registry, statistics and scores): a small state machine over
 * decoded text (RFC 4180 quoting, embedded newlines, CRLF, BOM) that keeps only the current chunk in
 * memory, fast enough for score sheets of a million rows (csv-parse costs seconds per million).
 *
 * The encoding is detected on the first chunk: a UTF-16 byte-order mark (Excel's "Unicode text",
 * tab-separated), UTF-16 without a mark (every other byte zero), UTF-8 with or without a BOM, and
 * otherwise GB18030 (what Excel on Chinese Windows saves; a superset of GBK and GB2312). The
 * delimiter is the tab when the first line has tabs and no commas, otherwise the comma.
 */
export async function* readCsvRows(stream: Readable): AsyncGenerator<SheetRow> {
  for await (const batch of readCsvBatches(stream)) for (const r of batch) yield r;
}

/** The same rows, a chunk's worth at a time: a million rows should not cost a million async steps. */
export async function* readCsvBatches(
  stream: Readable,
  maxRows: number = importLimits().maxRows,
): AsyncGenerator<SheetRow[]> {
  for await (const batch of decodeCsvBatches(stream)) {
    // a row past the limit (GONGJIN_IMPORT_MAX_ROWS data rows after the header) refuses the file
    if (batch[batch.length - 1]!.row > maxRows + 1) {
      const over = batch.find((r) => r.row > maxRows + 1 && r.cells.some((c) => c !== null));
      if (over) throw tooManyRows(over.row, maxRows);
    }
    yield batch;
  }
}

async function* decodeCsvBatches(stream: Readable): AsyncGenerator<SheetRow[]> {
  let decoder: TextDecoder | null = null;
  let state: CsvState | null = null;
  let pending = '';
  let held: Buffer | null = null;
  for await (const raw of stream as AsyncIterable<Buffer>) {
    let chunk = raw;
    if (!decoder) {
      // the first bytes decide: wait for enough of them (a BOM, a UTF-16 pattern, GB18030 pairs)
      held = held ? Buffer.concat([held, chunk]) : chunk;
      if (held.length < DETECT_BYTES) continue;
      chunk = held;
      held = null;
      decoder = pickDecoder(chunk);
    }
    const text = decoder.decode(chunk, { stream: true });
    if (!state) {
      pending += text;
      const nl = pending.indexOf('\n');
      if (nl < 0 && pending.length < 1 << 16) continue;
      state = new CsvState(pickDelimiter(pending.slice(0, nl < 0 ? pending.length : nl)));
      const rows = state.feed(pending, false);
      pending = '';
      if (rows.length) yield rows;
      continue;
    }
    const rows = state.feed(text, false);
    if (rows.length) yield rows;
  }
  if (!decoder && held) decoder = pickDecoder(held);
  const rest = (decoder && held ? decoder.decode(held, { stream: true }) : '') + (decoder ? decoder.decode() : '');
  if (!state) {
    pending += rest;
    const nl = pending.indexOf('\n');
    state = new CsvState(pickDelimiter(pending.slice(0, nl < 0 ? pending.length : nl)));
    const tail = state.feed(pending, true);
    if (tail.length) yield tail;
    return;
  }
  const tail = state.feed(rest, true);
  if (tail.length) yield tail;
}

/** How many bytes the encoding is guessed from (fewer only when the file is shorter). */
const DETECT_BYTES = 4096;

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** The encoding of a text file from its first bytes (see readCsvBatches). */
export function detectEncoding(head: Buffer): CsvEncoding {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  // UTF-16 without a mark: UTF-8 and GB18030 text has no zero byte, while every ASCII character
  // (digits, the tab, CR LF) of UTF-16 has one, in the high byte of its pair
  const pairs = Math.min(DETECT_BYTES, head.length) >> 1;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenZero += 1;
    if (head[2 * i + 1] === 0) oddZero += 1;
  }
  if (oddZero > evenZero) return 'utf-16le';
  if (evenZero > oddZero) return 'utf-16be';
  try {
    // a multi-byte character cut at the end of the chunk is not an error in stream mode
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

export function pickDecoder(head: Buffer): TextDecoder {
  // the BOM (of any of them) is dropped by the decoder
  return new TextDecoder(detectEncoding(head), { ignoreBOM: false });
}

/** Tab when the header line is tab-separated (Excel's "Unicode text", "Text (tab delimited)"), else comma. */
export function pickDelimiter(firstLine: string): ',' | '\t' {
  return firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
}

/** What String.prototype.trim removes, bar the line feed that ends every row (\r included: CRLF). */
const BLANK = /[\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const LF = 10;
const CR = 13;
const QUOTE = 34;

export class CsvState {
  private readonly sep: number;
  /** Blanks trimmed from cells: the tab is one, unless it separates them. */
  private readonly blank: RegExp;
  constructor(private readonly delimiter: ',' | '\t' = ',') {
    this.sep = delimiter.charCodeAt(0);
    this.blank = delimiter === '\t' ? BLANK : new RegExp(`[\\t${BLANK.source.slice(1)}`);
  }

  private cells: (string | null)[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  private row = 0;
  private carry = '';
  private started = false;

  /** Parses a piece of text; returns the rows it completed. `final` flushes the last row. */
  feed(input: string, final: boolean): SheetRow[] {
    let text = this.carry + input;
    this.carry = '';
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SheetRow[] = [];
    const n = text.length;
    // most exports have no padded cell: then a million rows need no five million trims
    const padded = this.blank.test(text);
    let i = 0;
    while (i < n) {
      // fast path: a whole line without quotes at the start of a row splits natively
      if (!this.inQuotes && this.field === '' && !this.quoted && this.cells.length === 0) {
        const nl = text.indexOf('\n', i);
        // wait for the rest of the line, unless it is absurdly long (then the slow path eats it)
        if (nl < 0 && !final && n - i < 1 << 20) break;
        const end = nl < 0 ? n : nl;
        const line = text.slice(i, end);
        if (line.indexOf('"') < 0 && (nl >= 0 || final)) {
          const cells: (string | null)[] = line.split(this.delimiter);
          for (let k = 0; k < cells.length; k++) {
            const v = padded ? cells[k]!.trim() : cells[k]!; // trim also drops the \r of CRLF
            cells[k] = v === '' ? null : v;
          }
          this.row += 1;
          out.push({ row: this.row, cells });
          i = end + 1;
          if (nl < 0) return out; // the final line had no newline; nothing left to flush
          continue;
        }
      }
      if (this.inQuotes) {
        const j = text.indexOf('"', i);
        if (j < 0) {
          this.field += text.slice(i);
          i = n;
          break;
        }
        this.field += text.slice(i, j);
        if (j + 1 < n) {
          if (text.charCodeAt(j + 1) === QUOTE) {
            this.field += '"';
            i = j + 2;
          } else {
            this.inQuotes = false;
            i = j + 1;
          }
        } else if (final) {
          this.inQuotes = false;
          i = n;
        } else {
          this.carry = '"'; // is it a closing quote or the first of an escaped pair? the next chunk tells
          i = n;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === this.sep) {
        this.pushField();
        i += 1;
      } else if (c === LF) {
        this.pushField();
        this.emit(out);
        i += 1;
      } else if (c === CR) {
        i += 1;
      } else if (c === QUOTE && this.field === '') {
        this.inQuotes = true;
        this.quoted = true;
        i += 1;
      } else {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === this.sep || d === LF || d === CR) break;
          j += 1;
        }
        this.field += text.slice(i, j);
        i = j;
      }
    }
    if (i < n) this.carry = text.slice(i) + this.carry;
    if (final && (this.field !== '' || this.quoted || this.cells.length)) {
      this.pushField();
      this.emit(out);
    }
    return out;
  }

  private pushField() {
    const v = this.field.trim();
    this.cells.push(v === '' ? null : v);
    this.field = '';
    this.quoted = false;
  }

  private emit(out: SheetRow[]) {
    this.row += 1;
    out.push({ row: this.row, cells: this.cells });
    this.cells = [];
  }
}
