import { MAX_FILE_BYTES, MAX_VIDEO_BYTES, type MediaClass } from './resources.enums.js';

/**
 * The file types the library accepts. The client declares one (from the file picker); the server
 * checks the name's extension and the content's magic bytes against it. `detect` lists what
 * file-type may report for a genuine file of that type; an empty list means "no signature" (plain
 * text), which the server checks differently.
 */
export interface AcceptedType {
  ext: readonly string[];
  media: MediaClass;
  detect: readonly string[];
  maxBytes: number;
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
export const ACCEPTED_TYPES: Record<string, AcceptedType> = {
  'video/mp4': {
    ext: ['mp4', 'm4v'],
    media: 'video',
    detect: ['video/mp4', 'video/x-m4v', 'video/quicktime'],
    maxBytes: MAX_VIDEO_BYTES,
  },
  'video/webm': { ext: ['webm'], media: 'video', detect: ['video/webm', 'audio/webm'], maxBytes: MAX_VIDEO_BYTES },
  'audio/mpeg': { ext: ['mp3'], media: 'audio', detect: ['audio/mpeg'], maxBytes: MAX_FILE_BYTES },
  'audio/mp4': {
    ext: ['m4a'],
    media: 'audio',
    detect: ['audio/x-m4a', 'audio/mp4', 'video/mp4'],
    maxBytes: MAX_FILE_BYTES,
  },
  'audio/wav': {
    ext: ['wav'],
    media: 'audio',
    detect: ['audio/wav', 'audio/vnd.wave', 'audio/x-wav'],
    maxBytes: MAX_FILE_BYTES,
  },
  'image/png': { ext: ['png'], media: 'image', detect: ['image/png'], maxBytes: MAX_FILE_BYTES },
  'image/jpeg': { ext: ['jpg', 'jpeg'], media: 'image', detect: ['image/jpeg'], maxBytes: MAX_FILE_BYTES },
  'image/gif': { ext: ['gif'], media: 'image', detect: ['image/gif'], maxBytes: MAX_FILE_BYTES },
  'image/webp': { ext: ['webp'], media: 'image', detect: ['image/webp'], maxBytes: MAX_FILE_BYTES },
  'application/pdf': { ext: ['pdf'], media: 'pdf', detect: ['application/pdf'], maxBytes: MAX_FILE_BYTES },
  [`${OOXML}.wordprocessingml.document`]: {
    ext: ['docx'],
    media: 'document',
    detect: [`${OOXML}.wordprocessingml.document`, 'application/zip'],
    maxBytes: MAX_FILE_BYTES,
  },
  [`${OOXML}.presentationml.presentation`]: {
    ext: ['pptx'],
    media: 'document',
    detect: [`${OOXML}.presentationml.presentation`, 'application/zip'],
    maxBytes: MAX_FILE_BYTES,
  },
  [`${OOXML}.spreadsheetml.sheet`]: {
    ext: ['xlsx'],
    media: 'document',
    detect: [`${OOXML}.spreadsheetml.sheet`, 'application/zip'],
    maxBytes: MAX_FILE_BYTES,
  },
  'application/msword': { ext: ['doc'], media: 'document', detect: ['application/x-cfb'], maxBytes: MAX_FILE_BYTES },
  'application/vnd.ms-powerpoint': {
    ext: ['ppt'],
    media: 'document',
    detect: ['application/x-cfb'],
    maxBytes: MAX_FILE_BYTES,
  },
  'application/vnd.ms-excel': {
    ext: ['xls'],
    media: 'document',
    detect: ['application/x-cfb'],
    maxBytes: MAX_FILE_BYTES,
  },
  'application/zip': { ext: ['zip'], media: 'document', detect: ['application/zip'], maxBytes: MAX_FILE_BYTES },
  'text/plain': { ext: ['txt'], media: 'document', detect: [], maxBytes: MAX_FILE_BYTES },
};

/** The declared type for a file name, from its extension (the web form uses it when the browser gives none). */
export function typeForFileName(name: string): string | undefined {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return Object.entries(ACCEPTED_TYPES).find(([, t]) => t.ext.includes(ext))?.[0];
}

/** The `accept` attribute of the file input. */
export const ACCEPT_ATTRIBUTE = Object.values(ACCEPTED_TYPES)
  .flatMap((t) => t.ext.map((e) => `.${e}`))
  .join(',');
