import { describe, expect, it } from 'vitest';
import { checkContent, checkDeclared, checkFileName, parseRange } from './resources.files.js';

describe('checkFileName', () => {
  it.each([
    ['初中数学复习课件.pptx', null],
    ['Unit 3 英语.mp4', null],
    ['../../etc/passwd', 'bad_file_name'],
    ['..\\windows\\system.ini', 'bad_file_name'],
    ['a/b.mp4', 'bad_file_name'],
    ['..', 'bad_file_name'],
    ['evil\u0000.mp4', 'bad_file_name'],
    [' x.mp4', 'bad_file_name'],
  ])('%j', (name, code) => {
    expect(checkFileName(name)?.code ?? null).toBe(code);
  });
});

describe('checkDeclared', () => {
  it.each([
    ['video/mp4', 'a.mp4', 10, null],
    ['video/mp4', 'a.MP4', 10, null],
    ['video/mp4', 'a.pdf', 10, 'extension_mismatch'],
    ['application/x-msdownload', 'a.exe', 10, 'unsupported_type'],
    ['application/pdf', 'a.pdf', 201 * 1024 * 1024, 'file_too_large'],
    ['video/webm', 'a.webm', 1024 * 1024 * 1024, null],
    ['video/webm', 'a.webm', 3 * 1024 * 1024 * 1024, 'file_too_large'],
  ])('%s %s %d', (mime, name, size, code) => {
    expect(checkDeclared(mime, name, size)?.code ?? null).toBe(code);
  });
});

describe('checkContent', () => {
  const text = new TextEncoder().encode('第一单元 练习');
  it.each([
    ['application/pdf', 'application/pdf', text, null],
    ['video/mp4', 'application/pdf', text, 'content_mismatch'],
    ['video/webm', 'video/webm', text, null],
    ['image/png', undefined, text, 'content_mismatch'],
    ['text/plain', undefined, text, null],
    ['text/plain', undefined, new Uint8Array([1, 0, 2]), 'content_mismatch'],
    ['text/plain', 'application/pdf', text, 'content_mismatch'],
  ] as const)('%s detected as %s', (mime, detected, head, code) => {
    expect(checkContent(mime, detected, head)?.code ?? null).toBe(code);
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, 100, null],
    ['bytes=0-', 100, { start: 0, end: 99 }],
    ['bytes=10-19', 100, { start: 10, end: 19 }],
    ['bytes=90-200', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-200', 100, { start: 0, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=20-10', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, null],
    ['items=0-1', 100, null],
  ] as const)('%s of %d', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
