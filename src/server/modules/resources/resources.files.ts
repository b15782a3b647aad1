import { ACCEPTED_TYPES } from '../../../shared/resources.filetypes.js';
import type { MediaClass } from '../../../shared/resources.enums.js';

/**
 * File rules as pure functions: names, declared types, magic bytes, HTTP ranges. The service calls
 * them; they never touch storage or the database.
 */
export interface Problem {
  code: string;
  zh: string;
  en: string;
}

/**
 * A file name is kept only as metadata (the storage key is generated), but a name that tries to
 * climb directories or hides control characters is refused outright: it is never an honest name.
 */
export function checkFileName(name: string): Problem | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    return { code: 'bad_file_name', zh: '文件名含有控制字符', en: 'The file name contains control characters' };
  if (
    /[/\\]/.test(name) ||
    name.split('.').every((p) => p === '') ||
    /(^|[/\\])\.\.([/\\]|$)/.test(name) ||
    name.startsWith('..')
  ) {
    return {
      code: 'bad_file_name',
      zh: `文件名“${name}”不合法（不能包含路径）`,
      en: `File name "${name}" is not allowed (no paths)`,
    };
  }
  if (name.trim() !== name || name.length === 0)
    return { code: 'bad_file_name', zh: '文件名首尾不能有空格', en: 'The file name must not start or end with spaces' };
  return null;
}

/** The declared type must be one we accept, match the name's extension, and fit its size limit. */
export function checkDeclared(mimeType: string, fileName: string, size: number): Problem | null {
  const type = ACCEPTED_TYPES[mimeType];
  if (!type)
    return { code: 'unsupported_type', zh: `不支持的文件类型：${mimeType}`, en: `Unsupported file type ${mimeType}` };
  const ext = fileName.includes('.') ? (fileName.split('.').pop() ?? '').toLowerCase() : '';
  if (!type.ext.includes(ext)) {
    return {
      code: 'extension_mismatch',
      zh: `文件扩展名“.${ext}”与类型 ${mimeType} 不符（应为 .${type.ext.join('/.')}）`,
      en: `Extension ".${ext}" does not match ${mimeType} (expected .${type.ext.join('/.')})`,
    };
  }
  if (size > type.maxBytes) {
    const mb = Math.round(type.maxBytes / 1048576);
    return {
      code: 'file_too_large',
      zh: `文件过大（该类型上限 ${mb} MB）`,
      en: `File too large (limit ${mb} MB for this type)`,
    };
  }
  return null;
}

/**
 * The content's magic bytes must agree with the declared type. `detected` is file-type's answer
 * for the first bytes (undefined when it knows no signature); plain text has none and must not
 * contain NUL bytes.
 */
export function checkContent(mimeType: string, detected: string | undefined, head: Uint8Array): Problem | null {
  const type = ACCEPTED_TYPES[mimeType];
  if (!type)
    return { code: 'unsupported_type', zh: `不支持的文件类型：${mimeType}`, en: `Unsupported file type ${mimeType}` };
  const ok =
    type.detect.length === 0
      ? detected === undefined && !head.includes(0)
      : detected !== undefined && type.detect.includes(detected);
  if (ok) return null;
  const found = detected ?? (head.includes(0) ? 'binary' : 'text');
  return {
    code: 'content_mismatch',
    zh: `文件内容（${found}）与声明的类型 ${mimeType} 不符`,
    en: `The content (${found}) does not match the declared type ${mimeType}`,
  };
}

export function mediaClassOf(mimeType: string | null): MediaClass {
  if (!mimeType) return 'link';
  return ACCEPTED_TYPES[mimeType]?.media ?? 'document';
}

/** A single byte range, inclusive; `null` for no Range header; 'unsatisfiable' for one we cannot serve. */
export type RangeResult = { start: number; end: number } | null | 'unsatisfiable';

/**
 * Parses `Range: bytes=…` for a file of `size` bytes. One range only (what players send); a
 * multi-range or malformed header is served whole, as RFC 9110 allows; an out-of-bounds one is 416.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (size === 0) return 'unsatisfiable';
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
