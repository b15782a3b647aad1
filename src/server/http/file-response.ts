import type { FastifyReply } from 'fastify';

/**
 * How every stored (uploaded) file goes back to a browser: evidence, ledger evidence, resource
 * versions, meeting attachments. One rule set, so no route can serve an upload as a page:
 *
 * - the type is the one checked at upload (magic bytes), never guessed again: `nosniff`;
 * - only types a browser shows without running anything are ever `inline` (photos, PDF, audio and
 *   video); everything else — Office files, text, zip, and whatever might be HTML or SVG — is an
 *   `attachment`, whatever the caller asked for;
 * - a file response has its own CSP: no script, nothing loaded from elsewhere; an inline preview may
 *   be framed by the app itself (the PDF preview), an attachment by nobody;
 * - the name is sent twice, as an ASCII fallback and RFC 5987 `filename*` (Chinese names).
 */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/mp4',
  'audio/wav',
]);

const TOKEN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The checked type as a plain `type/subtype` (no parameters), or octet-stream for anything odd. */
export function safeContentType(mime: string | null | undefined): string {
  const m = (mime ?? '').split(';')[0]!.trim().toLowerCase();
  return TOKEN.test(m) ? m : 'application/octet-stream';
}

/** RFC 5987 ext-value: UTF-8, percent-encoded beyond attr-char. */
export function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `inline` or `attachment` (RFC 6266) with an ASCII `filename` fallback and the real name in
 * `filename*` (Chinese names). Every download uses it; `asciiName` names the fallback where the
 * real name has no readable ASCII form (e.g. `class-report.pdf` for 初一(1)班学情分析报告.pdf).
 */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string, asciiName?: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = fileName.replace(/[\u0000-\u001f\u007f]/g, '').trim() || 'file';
  const ascii = (asciiName ?? clean).replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}

export const FILE_CSP_INLINE =
  "default-src 'none'; img-src 'self'; media-src 'self'; object-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
export const FILE_CSP_ATTACHMENT =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

export interface StoredFileMeta {
  /** The type checked at upload. */
  mime: string | null | undefined;
  fileName: string;
  /** The caller would like a preview; granted only for INLINE_TYPES. */
  inline: boolean;
}

/** The headers of a stored file's response (status, length and range headers are the caller's). */
export function fileHeaders(f: StoredFileMeta): Record<string, string> {
  const type = safeContentType(f.mime);
  const inline = f.inline && INLINE_TYPES.has(type);
  return {
    'content-type': type,
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', f.fileName),
    'x-content-type-options': 'nosniff',
    'content-security-policy': inline ? FILE_CSP_INLINE : FILE_CSP_ATTACHMENT,
    'x-frame-options': inline ? 'SAMEORIGIN' : 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** Sets fileHeaders on the reply; the route then sends the stream. */
export function storedFileReply(reply: FastifyReply, f: StoredFileMeta): FastifyReply {
  return reply.headers(fileHeaders(f));
}
