import { describe, expect, it } from 'vitest';
import { contentDisposition } from './file-response.js';

/** What a browser does with filename* (RFC 5987): percent-decoded UTF-8. */
const decodedStar = (header: string) => decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(header)![1]!);

describe('one download header (RFC 6266 with an RFC 5987 name)', () => {
  it('sends a Chinese name with quotes, parentheses and spaces intact, and an ASCII fallback', () => {
    const name = '海宁市"实验"小学(本部) 考核结果.pdf';
    const h = contentDisposition('attachment', name, 'report.pdf');
    expect(h).toMatch(/^attachment; filename="report\.pdf"; filename\*=UTF-8''/);
    // quotes and parentheses are percent-encoded, so no parser ends the value early
    expect(h.split("filename*=UTF-8''")[1]).not.toMatch(/["'()\s]/);
    expect(decodedStar(h)).toBe(name);
  });

  it('makes the fallback from the name itself when none is given, never breaking the quoted string', () => {
    const h = contentDisposition('inline', '成绩"表";a.xlsx');
    const fallback = /filename="([^"]*)"/.exec(h)![1]!;
    expect(fallback).toMatch(/^[\x20-\x7e]+$/);
    expect(fallback).not.toMatch(/[";\\]/);
    expect(decodedStar(h)).toBe('成绩"表";a.xlsx');
  });

  it('drops control characters (no header injection)', () => {
    const h = contentDisposition('attachment', 'a\r\nSet-Cookie: x=1.pdf');
    expect(h).not.toMatch(/[\r\n]/);
  });
});
