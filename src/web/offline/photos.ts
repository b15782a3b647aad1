/**
 * Photos are made smaller on the device before they are stored or sent: the longest side at most
 * 1600 px, JPEG at quality 0.8 — a 20 MB phone photo becomes a few hundred KB, which a village
 * school's connection can send. Documents the form accepts (PDF, Office) go as they are.
 */
export const MAX_SIDE = 1600;
export const JPEG_QUALITY = 0.8;

const DOCUMENT = /\.(pdf|docx?|xlsx?|pptx?)$/i;
const IMAGE_NAME = /\.(jpe?g|png|gif|webp|bmp|heic|heif|avif)$/i;

export interface PreparedFile {
  name: string;
  type: string;
  blob: Blob;
}

/** A file the device cannot use: not an image (nor an accepted document), or an image it cannot read. */
export class PhotoError extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: 'not_image' | 'undecodable',
  ) {
    super(`${fileName}: ${reason}`);
    this.name = 'PhotoError';
  }
}

const isImage = (f: File) => f.type.startsWith('image/') || (!f.type && IMAGE_NAME.test(f.name));

/** The image decoded; createImageBitmap where it exists, an <img> otherwise (older Safari). */
async function decode(
  file: Blob,
): Promise<{ source: CanvasImageSource; width: number; height: number; close(): void }> {
  if (typeof createImageBitmap === 'function') {
    const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
    return { source: bmp, width: bmp.width, height: bmp.height, close: () => bmp.close() };
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => undefined };
  } finally {
    URL.revokeObjectURL(url);
  }
}

function toJpeg(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', JPEG_QUALITY),
  );
}

export function scaledSize(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** One file ready to store or send: an image resized to JPEG, a document as it is. */
export async function prepareFile(file: File): Promise<PreparedFile> {
  if (!isImage(file)) {
    if (DOCUMENT.test(file.name)) return { name: file.name, type: file.type || 'application/octet-stream', blob: file };
    throw new PhotoError(file.name, 'not_image');
  }
  let img;
  try {
    img = await decode(file);
  } catch {
    throw new PhotoError(file.name, 'undecodable');
  }
  try {
    if (!img.width || !img.height) throw new PhotoError(file.name, 'undecodable');
    const { width, height } = scaledSize(img.width, img.height);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d');
    if (!g) throw new PhotoError(file.name, 'undecodable');
    // JPEG has no transparency: a PNG screenshot's clear areas become white, not black
    g.fillStyle = '#fff';
    g.fillRect(0, 0, width, height);
    g.drawImage(img.source, 0, 0, width, height);
    const blob = await toJpeg(canvas);
    // a small, already compressed JPEG may not get smaller: keep the original then
    if (file.type === 'image/jpeg' && blob.size >= file.size && width === img.width) {
      return { name: file.name, type: file.type, blob: file };
    }
    return { name: file.name.replace(/\.[^.]+$/, '') + '.jpg', type: 'image/jpeg', blob };
  } finally {
    img.close();
  }
}

export async function prepareFiles(files: File[]): Promise<PreparedFile[]> {
  const out: PreparedFile[] = [];
  for (const f of files) out.push(await prepareFile(f));
  return out;
}

/** A device id for a record or a photo. crypto.randomUUID needs a secure context (HTTPS or
 * localhost); an intranet served over plain HTTP gets a v4 UUID from getRandomValues instead. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
