import type { FileHandle } from 'node:fs/promises';

/**
 * A minimal POSIX ustar writer and reader: enough for a backup archive of regular files that any
 * `tar` can list and extract (`tar -tvf backup.tar`). No npm tar package is installed, and the
 * format is simple: a 512-byte header per entry, the body padded to 512 bytes, two zero blocks at
 * the end. Names longer than 100 bytes are split into ustar's prefix/name fields (255 bytes max).
 */
const BLOCK = 512;

/** Where the writer puts bytes; every write is awaited, so a full disk surfaces as the write's error. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

export class FileSink implements ByteSink {
  constructor(private readonly fh: FileHandle) {}
  async write(chunk: Uint8Array) {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, done, chunk.length - done);
      done += bytesWritten;
    }
  }
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`name too long for the archive: ${name}`);
}

export function tarHeader(name: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, base } = splitName(name);
  h.write(base, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

export const tarEnd = (): Buffer => Buffer.alloc(BLOCK * 2);

/** Writes one entry whose body comes from `body` (exactly `size` bytes, else an error). */
export async function writeEntry(
  sink: ByteSink,
  name: string,
  size: number,
  body: AsyncIterable<Uint8Array> | Uint8Array,
  mtime = new Date(),
): Promise<void> {
  await sink.write(tarHeader(name, size, mtime));
  let written = 0;
  if (body instanceof Uint8Array) {
    await sink.write(body);
    written = body.length;
  } else {
    for await (const chunk of body) {
      written += chunk.length;
      if (written > size) break;
      await sink.write(chunk);
    }
  }
  if (written !== size) throw new Error(`${name} changed while it was being archived (${written} ≠ ${size} bytes)`);
  await sink.write(tarPadding(size));
}

export interface TarEntry {
  name: string;
  /** byte offset of the body in the archive */
  offset: number;
  size: number;
}

export class NotAnArchiveError extends Error {}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

/** Lists the regular-file entries of an archive, checking every header; throws NotAnArchiveError on anything else. */
export async function readTarIndex(fh: FileHandle): Promise<TarEntry[]> {
  const { size: total } = await fh.stat();
  const entries: TarEntry[] = [];
  const h = Buffer.alloc(BLOCK);
  let pos = 0;
  for (;;) {
    if (pos + BLOCK > total) throw new NotAnArchiveError('the archive is truncated (no end marker)');
    const { bytesRead } = await fh.read(h, 0, BLOCK, pos);
    if (bytesRead !== BLOCK) throw new NotAnArchiveError('the archive is truncated');
    if (h.every((b) => b === 0)) return entries;
    if (field(h, 257, 6) !== 'ustar') throw new NotAnArchiveError(`no tar header at byte ${pos}`);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (Number.parseInt(field(h, 148, 8).trim(), 8) !== sum)
      throw new NotAnArchiveError(`bad header checksum at byte ${pos}`);
    const size = Number.parseInt(field(h, 124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || size < 0) throw new NotAnArchiveError(`bad entry size at byte ${pos}`);
    const prefix = field(h, 345, 155);
    const base = field(h, 0, 100);
    const type = String.fromCharCode(h[156]!);
    const offset = pos + BLOCK;
    if (offset + size > total) throw new NotAnArchiveError('the archive is truncated');
    if (type === '0' || type === '\0') entries.push({ name: prefix ? `${prefix}/${base}` : base, offset, size });
    pos = offset + size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
}
