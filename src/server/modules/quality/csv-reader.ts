import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import type { SheetRow } from '../io/spreadsheet-reader.js';

/**
 * A streaming CSV reader for score sheets of a million rows. csv-parse (used by io/) handles every
 * dialect but costs seconds per million rows; this one is a small state machine over decoded text
 * (RFC 4180 quoting, embedded newlines, CRLF, BOM) and keeps only the current chunk in memory.
 * Files saved by Excel on Chinese Windows are GB18030 rather than UTF-8; that is detected on the
 * first chunk.
 */
export async function* readCsvRows(stream: Readable): AsyncGenerator<SheetRow> {
  for await (const batch of readCsvBatches(stream)) for (const r of batch) yield r;
}

/** The same rows, a chunk's worth at a time: a million rows should not cost a million async steps. */
export async function* readCsvBatches(stream: Readable): AsyncGenerator<SheetRow[]> {
  let decoder: TextDecoder | null = null;
  const state = new CsvState();
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    decoder ??= pickDecoder(chunk);
    const rows = state.feed(decoder.decode(chunk, { stream: true }), false);
    if (rows.length) yield rows;
  }
  const tail = state.feed(decoder ? decoder.decode() : '', true);
  if (tail.length) yield tail;
}

export function pickDecoder(head: Buffer): TextDecoder {
  try {
    // a multi-byte character cut at the end of the chunk is not an error in stream mode
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return new TextDecoder('utf-8', { ignoreBOM: false });
  } catch {
    return new TextDecoder('gb18030');
  }
}

/** What String.prototype.trim removes, bar the line feed that ends every row (\r included: CRLF). */
const BLANK = /[\t\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

export class CsvState {
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
    const padded = BLANK.test(text);
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
          const cells: (string | null)[] = line.split(',');
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
      if (c === COMMA) {
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
          if (d === COMMA || d === LF || d === CR) break;
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
