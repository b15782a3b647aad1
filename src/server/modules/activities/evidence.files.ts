import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { once } from '../../lazy.js';
import { AppError, ValidationError, fieldIssue } from '../../http/errors.js';
import type { BlobStorage } from '../../storage/blob-storage.js';

// sharp is loaded with the first photo, not at start-up
const sharpLib = once(async () => (await import('sharp')).default);

/**
 * Evidence files: what a file is, judged by its content (file-type), must agree with its extension;
 * photos get a thumbnail (sharp). Keys are generated, never taken from the file name.
 */
const ACCEPTED: Record<string, { category: 'photo' | 'document' | 'video'; exts: string[] }> = {
  jpg: { category: 'photo', exts: ['jpg', 'jpeg'] },
  png: { category: 'photo', exts: ['png'] },
  webp: { category: 'photo', exts: ['webp'] },
  gif: { category: 'photo', exts: ['gif'] },
  heic: { category: 'photo', exts: ['heic', 'heif'] },
  pdf: { category: 'document', exts: ['pdf'] },
  docx: { category: 'document', exts: ['docx'] },
  xlsx: { category: 'document', exts: ['xlsx'] },
  pptx: { category: 'document', exts: ['pptx'] },
  // a recording of the class (a sync class's video goes on to the resources library)
  mp4: { category: 'video', exts: ['mp4', 'm4v'] },
  mov: { category: 'video', exts: ['mov'] },
  webm: { category: 'video', exts: ['webm'] },
  // legacy Office (.doc/.xls/.ppt) is a compound file; file-type cannot tell them apart
  cfb: { category: 'document', exts: ['doc', 'xls', 'ppt'] },
};
const ACCEPTED_EXTS = [...new Set(Object.values(ACCEPTED).flatMap((a) => a.exts))];

export interface Inspected {
  category: 'photo' | 'document' | 'video';
  mime: string;
  ext: string;
}

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return m ? m[1]!.toLowerCase() : '';
}

/** Throws a 422 naming what the content is when it is not an accepted type or not what the name says. */
export async function inspectFile(buf: Buffer, fileName: string, field = 'file'): Promise<Inspected> {
  const ext = extensionOf(fileName);
  const detected = await fileTypeFromBuffer(buf);
  const accepted = detected ? ACCEPTED[detected.ext] : undefined;
  if (!detected || !accepted) {
    throw new ValidationError([
      fieldIssue(
        field,
        'unsupported_type',
        `不支持的文件“${fileName}”${detected ? `（内容为 ${detected.ext}）` : ''}：请上传照片（jpg/png/webp）、视频（mp4/mov/webm）、PDF 或 Office 文件（${ACCEPTED_EXTS.join('、')}）`,
        `Unsupported file ${fileName}${detected ? ` (its content is ${detected.ext})` : ''}: upload photos (jpg/png/webp), videos (mp4/mov/webm), PDF or Office files (${ACCEPTED_EXTS.join(', ')})`,
      ),
    ]);
  }
  if (!accepted.exts.includes(ext)) {
    throw new ValidationError([
      fieldIssue(
        field,
        'extension_mismatch',
        `文件“${fileName}”的内容是 ${detected.ext.toUpperCase()}，与扩展名 .${ext || '（无）'} 不符`,
        `${fileName} contains ${detected.ext.toUpperCase()}, not what its extension .${ext || '(none)'} says`,
      ),
    ]);
  }
  return { category: accepted.category, mime: detected.mime, ext: accepted.exts[0]! };
}

/** Reads a multipart file to memory, refusing it with 413 when it hit the configured limit. */
export async function readUpload(
  stream: NodeJS.ReadableStream & { truncated?: boolean },
  limitBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  if (stream.truncated) throw new AppError(413, 'file_too_large', { limitMb: Math.round(limitBytes / 1048576) });
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) throw new ValidationError([fieldIssue('file', 'empty', '文件为空', 'The file is empty')]);
  return buf;
}

export interface StoredFile {
  fileKey: string;
  thumbKey: string | null;
}

/** Stores the file (and a 320 px JPEG thumbnail for photos sharp can read) under generated keys. */
export async function storeFile(
  storage: BlobStorage,
  prefix: string,
  buf: Buffer,
  inspected: Inspected,
): Promise<StoredFile> {
  const id = randomUUID();
  const fileKey = `${prefix}/${id}.${inspected.ext}`;
  await storage.put(fileKey, Readable.from(buf));
  let thumbKey: string | null = null;
  if (inspected.category === 'photo') {
    try {
      const sharp = await sharpLib();
      const thumb = await sharp(buf, { failOn: 'error' })
        .rotate()
        .resize({ width: 320, height: 320, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 75 })
        .toBuffer();
      thumbKey = `${prefix}/${id}.thumb.jpg`;
      await storage.put(thumbKey, Readable.from(thumb));
    } catch {
      // a photo sharp cannot decode (e.g. HEIC without libheif) is still kept, just without a thumbnail
      thumbKey = null;
    }
  }
  return { fileKey, thumbKey };
}

export async function discard(storage: BlobStorage, f: StoredFile) {
  await storage.delete(f.fileKey).catch(() => undefined);
  if (f.thumbKey) await storage.delete(f.thumbKey).catch(() => undefined);
}
