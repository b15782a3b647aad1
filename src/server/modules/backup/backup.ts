import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { DatabaseKind, DbHandle } from '../../db/connection.js';
import { FileSink, NotAnArchiveError, readTarIndex, tarEnd, writeEntry, type TarEntry } from './tar.js';

/**
 * Backup and restore of a whole installation: the database and the stored files in one tar file.
 *
 * The database is dumped with its own engine's tool, not as portable SQL, because that is what gives
 * an exact, consistent copy with the least code of ours:
 * - PostgreSQL: `pg_dump --format=custom`, run on a snapshot exported from a REPEATABLE READ
 *   transaction that also counts the rows, so the dump and the manifest's counts are the same
 *   instant even while the server writes. Restored with `pg_restore | psql --single-transaction`,
 *   the row-count check inside the same transaction: all or nothing.
 * - PGlite: `dumpDataDir()` (a tar.gz of the data directory), restored with the `loadDataDir`
 *   option into a new directory that replaces the old one only once it is checked. A PGlite
 *   directory can be opened by one process only, so this runs on a stopped server's directory.
 * A backup therefore restores into the same kind of database it came from.
 *
 * The archive (ustar, readable by any `tar`): `database/…` (the dump), `files/<key>` (every stored
 * file), then `manifest.json` (format version, app version, database kind, creation time, row count
 * per table, size and sha256 of the dump and of every file). Restore checks everything before it
 * changes anything.
 */

export const BACKUP_FORMAT = 'gongjin-backup';
export const BACKUP_FORMAT_VERSION = 1;

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  appVersion: z.string(),
  createdAt: z.string(),
  database: z.object({
    kind: z.enum(['pglite', 'postgresql']),
    entry: z.string(),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    serverVersion: z.string(),
    migrations: z.array(z.string()),
  }),
  tables: z.record(z.string(), z.number().int().nonnegative()),
  files: z.array(z.object({ key: z.string(), size: z.number().int().nonnegative(), sha256: z.string() })),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** A failure the operator can act on; the message is bilingual (中文 / English). */
export class BackupError extends Error {}

/** Where an installation keeps its data, as bootstrap.openContext opens it. */
export interface BackupLocation {
  kind: DatabaseKind;
  databaseUrl?: string | undefined;
  /** PGlite only */
  pgliteDir?: string | undefined;
  filesDir: string;
}

export function locationOf(config: Config): BackupLocation {
  return config.databaseUrl
    ? { kind: 'postgresql', databaseUrl: config.databaseUrl, filesDir: path.join(config.dataDir, 'files') }
    : { kind: 'pglite', pgliteDir: path.join(config.dataDir, 'pglite'), filesDir: path.join(config.dataDir, 'files') };
}

// ---------------------------------------------------------------- helpers

type Rows = (text: string) => Promise<Record<string, unknown>[]>;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const TABLES_SQL =
  "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1";

async function tableCounts(q: Rows): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await q(TABLES_SQL)) {
    const [row] = await q(`select count(*)::int as n from public.${quoteIdent(String(name))}`);
    counts[String(name)] = Number(row?.n);
  }
  return counts;
}

async function migrationNames(q: Rows, tables: Record<string, number>): Promise<string[]> {
  if (!('schema_migrations' in tables)) return [];
  return (await q('select name from public.schema_migrations order by name')).map((r) => String(r.name));
}

const pgliteRows =
  (p: PGlite): Rows =>
  async (text) =>
    (await p.query<Record<string, unknown>>(text)).rows;
const clientRows =
  (c: { query: (t: string) => Promise<{ rows: Record<string, unknown>[] }> }): Rows =>
  async (text) =>
    (await c.query(text)).rows;

const STAMP = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

const WRITE_REASONS: Record<string, string> = {
  ENOSPC: '磁盘空间不足 / the disk is full',
  EDQUOT: '超出磁盘配额 / disk quota exceeded',
  EACCES: '没有写权限 / permission denied',
  EPERM: '没有写权限 / permission denied',
  EROFS: '只读文件系统 / read-only file system',
  ENOENT: '目录不存在 / the directory does not exist',
  ENOTDIR: '路径不是目录 / a part of the path is not a directory',
  EISDIR: '这是一个目录 / the path is a directory',
};
const TOOL_REASONS: [string, string][] = [
  ['No space left on device', '磁盘空间不足 / the disk is full'],
  ['Disk quota exceeded', '超出磁盘配额 / disk quota exceeded'],
  ['Permission denied', '没有写权限 / permission denied'],
  ['Read-only file system', '只读文件系统 / read-only file system'],
];
const errCode = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code ?? '';

function toolMissing(tool: string): BackupError {
  return new BackupError(
    `找不到 ${tool}：PostgreSQL 数据库的备份与恢复需要 PostgreSQL 客户端工具（主版本不低于服务器，例如 apt install postgresql-client-15）。\n` +
      `${tool} not found: backing up and restoring a PostgreSQL database needs the PostgreSQL client tools ` +
      '(the same major version as the server or newer, e.g. apt install postgresql-client-15).',
  );
}

/** The connection URL without its password (which goes to PGPASSWORD, not onto a command line others can read). */
function libpqTarget(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env };
}

/** Runs a client tool; resolves on exit 0, else a BackupError with the tool's own message. */
function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(errCode(e) === 'ENOENT' ? toolMissing(tool) : e));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      // pg_dump/pg_restore print the kernel's strerror text, not the code: name the common ones as the file writes do
      const known = TOOL_REASONS.find(([text]) => stderr.includes(text));
      const head = known ? `${known[1]}\n` : '';
      reject(new BackupError(`${head}${tool} 失败 / ${tool} failed (exit ${code}):\n${stderr.trim()}`));
    });
  });
}

/** Every stored file under the files directory, as storage keys ('/'-separated), sorted; DiskStorage's `.part` temporaries left out. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (errCode(e) === 'ENOENT') return;
      throw e;
    }
    for (const d of entries) {
      const key = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(path.join(dir, d.name), key);
      else if (d.isFile() && !d.name.endsWith('.part')) out.push(key);
    }
  };
  await walk(root, '');
  return out.sort();
}

async function* hashing(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>) {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The PGlite directory is open in a process (PGlite keeps postmaster.pid there while open; it does not lock). */
export function pgliteInUse(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'postmaster.pid'));
}

export function pgliteInUseError(dir: string, doing: '备份' | '恢复'): BackupError {
  const en = doing === '备份' ? 'back it up' : 'restore into it';
  return new BackupError(
    `内置数据库正被运行中的服务使用（或上次没有正常关闭）：${dir}\n` +
      `内置数据库只能由一个进程打开。请先停止服务（正常关闭后再${doing}）；若服务已经停止，请启动并正常停止一次再试。\n` +
      `The embedded database is in use by a running server (or was not shut down cleanly): ${dir}\n` +
      `Only one process may open it. Stop the server first, then ${en}; if it is already stopped, ` +
      'start and stop it once cleanly and try again.',
  );
}

// ---------------------------------------------------------------- backup

export interface BackupSource {
  dbh: DbHandle;
  /** PostgreSQL only: the URL pg_dump connects to */
  databaseUrl?: string | undefined;
  filesDir: string;
}

/**
 * Writes the archive to `out` (through `out.partial`, renamed when complete, so an interrupted or
 * failed backup leaves no file that looks like a backup). Refuses to overwrite an existing file.
 */
export async function createBackup(
  source: BackupSource,
  out: string,
  opts: { appVersion: string },
): Promise<BackupManifest> {
  if (fs.existsSync(out))
    throw new BackupError(`备份文件已存在，不会覆盖 / the backup file already exists and is not overwritten: ${out}`);
  const partial = `${out}.partial`;
  const dumpFile = `${out}.partial-db`;
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(partial, 'w');
    const sink = new FileSink(fh);
    const database = await writeDatabase(source, sink, dumpFile);
    const files: BackupManifest['files'] = [];
    for (const key of await listFiles(source.filesDir)) {
      const full = path.join(source.filesDir, ...key.split('/'));
      let stat: fs.Stats;
      try {
        stat = await fsp.stat(full);
      } catch (e) {
        if (errCode(e) === 'ENOENT') continue; // deleted since the listing (after the database snapshot)
        throw e;
      }
      const hash = createHash('sha256');
      await writeEntry(sink, `files/${key}`, stat.size, hashing(fs.createReadStream(full), hash), stat.mtime);
      files.push({ key, size: stat.size, sha256: hash.digest('hex') });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: opts.appVersion,
      createdAt: new Date().toISOString(),
      database: database.info,
      tables: database.tables,
      files,
    };
    await writeEntry(sink, 'manifest.json', ...sized(Buffer.from(JSON.stringify(manifest, null, 2) + '\n')));
    await sink.write(tarEnd());
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(partial, out);
    return manifest;
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(partial, { force: true });
    if (e instanceof BackupError) throw e;
    const reason = WRITE_REASONS[errCode(e)];
    if (reason)
      throw new BackupError(
        `无法写入备份文件 ${out}：${reason}（没有留下不完整的文件）\n` +
          `cannot write the backup file ${out}: ${reason} (no partial file was left)`,
      );
    throw e;
  } finally {
    await fsp.rm(dumpFile, { force: true });
  }
}

const sized = (b: Buffer) => [b.length, b] as const;

async function writeDatabase(
  source: BackupSource,
  sink: FileSink,
  dumpFile: string,
): Promise<{ info: BackupManifest['database']; tables: Record<string, number> }> {
  const hash = createHash('sha256');
  if (source.dbh.kind === 'pglite') {
    const p = source.dbh.pglite!;
    const q = pgliteRows(p);
    // Holding Kysely's only connection keeps every other query (and any open transaction) out while
    // the rows are counted and the directory is dumped: when a running server backs itself up, the
    // counts and the dump are the same instant. The checkpoint writes dirty pages out first.
    const { tables, migrations, version, dump } = await source.dbh.db.connection().execute(async () => {
      const tables = await tableCounts(q);
      const migrations = await migrationNames(q, tables);
      const [v] = await q('show server_version');
      await p.exec('checkpoint');
      return { tables, migrations, version: String(v?.server_version), dump: await p.dumpDataDir('gzip') };
    });
    const entry = 'database/pglite-datadir.tar.gz';
    await writeEntry(sink, entry, dump.size, hashing(dump.stream(), hash));
    const info = {
      kind: 'pglite' as const,
      entry,
      size: dump.size,
      sha256: hash.digest('hex'),
      serverVersion: version,
      migrations,
    };
    return { info, tables };
  }
  if (!source.databaseUrl || !source.dbh.pool) throw new Error('a PostgreSQL backup needs the database URL');
  // counts and dump read the same snapshot: pg_dump attaches to the one this transaction exports
  const client = await source.dbh.pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const [snap] = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows;
    const q = clientRows(client);
    const tables = await tableCounts(q);
    const migrations = await migrationNames(q, tables);
    const [v] = await q('show server_version');
    const { dbname, env } = libpqTarget(source.databaseUrl);
    await run(
      'pg_dump',
      ['--format=custom', `--snapshot=${snap!.id}`, `--file=${dumpFile}`, `--dbname=${dbname}`],
      env,
    );
    await client.query('commit');
    const { size } = await fsp.stat(dumpFile);
    const entry = 'database/postgresql.dump';
    await writeEntry(sink, entry, size, hashing(fs.createReadStream(dumpFile), hash));
    const info = {
      kind: 'postgresql' as const,
      entry,
      size,
      sha256: hash.digest('hex'),
      serverVersion: String(v?.server_version),
      migrations,
    };
    return { info, tables };
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------- reading and checking

function damaged(file: string, why: string): BackupError {
  return new BackupError(
    `不是共进备份文件，或文件已损坏：${file}\n  ${why}\n没有做任何更改。\n` +
      `not a Gongjin backup, or the file is damaged: ${file}\n  ${why}\nNothing was changed.`,
  );
}

const SAFE_KEY = /^[a-zA-Z0-9][a-zA-Z0-9/_.-]*$/;

interface OpenedBackup {
  file: string;
  fh: FileHandle;
  manifest: BackupManifest;
  entries: Map<string, TarEntry>;
}

async function openBackup(file: string): Promise<OpenedBackup> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (e) {
    throw new BackupError(
      `无法读取备份文件 / cannot read the backup file ${file}: ${errCode(e) === 'ENOENT' ? '文件不存在 / no such file' : (WRITE_REASONS[errCode(e)] ?? String(e))}`,
    );
  }
  try {
    const list = await readTarIndex(fh);
    const entries = new Map(list.map((e) => [e.name, e]));
    const m = entries.get('manifest.json');
    if (!m) throw damaged(file, '没有 manifest.json / no manifest.json');
    const buf = Buffer.alloc(m.size);
    await fh.read(buf, 0, m.size, m.offset);
    let json: unknown;
    try {
      json = JSON.parse(buf.toString('utf8'));
    } catch {
      throw damaged(file, 'manifest.json 不是 JSON / manifest.json is not JSON');
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) {
      const v = (json as { formatVersion?: unknown } | null)?.formatVersion;
      throw damaged(
        file,
        typeof v === 'number' && v > BACKUP_FORMAT_VERSION
          ? `备份格式版本 ${v} 比本程序新，请先升级 / backup format version ${v} is newer than this program: upgrade first`
          : `manifest.json 不符合格式 / manifest.json does not match the format: ${parsed.error.issues[0]?.message}`,
      );
    }
    const manifest = parsed.data;
    const expected = new Set([
      'manifest.json',
      manifest.database.entry,
      ...manifest.files.map((f) => `files/${f.key}`),
    ]);
    for (const name of entries.keys())
      if (!expected.has(name)) throw damaged(file, `清单中没有 ${name} / ${name} is not in the manifest`);
    for (const name of expected) if (!entries.has(name)) throw damaged(file, `缺少 ${name} / ${name} is missing`);
    for (const f of manifest.files)
      if (!SAFE_KEY.test(f.key) || f.key.includes('..'))
        throw damaged(file, `不安全的文件名 / unsafe file name ${f.key}`);
    return { file, fh, manifest, entries };
  } catch (e) {
    await fh.close();
    if (e instanceof NotAnArchiveError) throw damaged(file, e.message);
    throw e;
  }
}

/** Copies one entry to `dest` (or only reads it when dest is null), checking its size and sha256. */
async function extractEntry(
  b: OpenedBackup,
  file: string,
  name: string,
  want: { size: number; sha256: string },
  dest: string | null,
): Promise<void> {
  const e = b.entries.get(name)!;
  if (e.size !== want.size) throw damaged(file, `${name} 大小不符 / ${name} has the wrong size`);
  const hash = createHash('sha256');
  // a read stream cannot cover zero bytes (end is inclusive)
  const body =
    e.size > 0 ? hashing(fs.createReadStream(b.file, { start: e.offset, end: e.offset + e.size - 1 }), hash) : [];
  if (dest) {
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    const out = await fsp.open(dest, 'wx');
    try {
      const sink = new FileSink(out);
      for await (const chunk of body) await sink.write(chunk);
    } finally {
      await out.close();
    }
  } else {
    for await (const chunk of body) void chunk;
  }
  if (hash.digest('hex') !== want.sha256)
    throw damaged(file, `${name} 的校验值（sha256）不符 / ${name} fails its sha256 check`);
}

/** Reads the whole archive and checks every hash; changes nothing. */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  const b = await openBackup(file);
  try {
    await extractEntry(b, file, b.manifest.database.entry, b.manifest.database, null);
    for (const f of b.manifest.files) await extractEntry(b, file, `files/${f.key}`, f, null);
    return b.manifest;
  } finally {
    await b.fh.close();
  }
}

// ---------------------------------------------------------------- restore

export interface RestoreResult {
  manifest: BackupManifest;
  /** what the restore replaced (--force), kept beside it until the operator deletes it */
  movedAside: string[];
}

async function pgliteHasTables(dir: string): Promise<boolean> {
  if (!fs.existsSync(dir)) return false;
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) return fs.readdirSync(dir).length > 0;
  const p = await PGlite.create({ dataDir: dir });
  try {
    return (await pgliteRows(p)(TABLES_SQL)).length > 0;
  } finally {
    await p.close();
  }
}

async function postgresHasTables(databaseUrl: string): Promise<boolean> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(TABLES_SQL)).rows.length > 0;
  } finally {
    await c.end();
  }
}

function countMismatch(want: Record<string, number>, got: Record<string, number>): string | null {
  const names = new Set([...Object.keys(want), ...Object.keys(got)]);
  for (const n of names) if (want[n] !== got[n]) return `${n}: ${got[n] ?? '—'} ≠ ${want[n] ?? '—'}`;
  return null;
}

/**
 * Restores `file` into `target`. Refuses a database with tables or a files directory with files
 * unless `force` (then the old PGlite directory and files directory are moved aside, and a
 * PostgreSQL schema is dropped inside the restoring transaction). The archive is checked in full
 * (every sha256, the database kind, known migrations) before anything changes.
 */
export async function restoreBackup(
  file: string,
  target: BackupLocation,
  opts: {
    force?: boolean;
    /** the migrations this program has (modules/index.ts); a backup with others comes from a newer version */
    knownMigrations: readonly string[];
  },
): Promise<RestoreResult> {
  const b = await openBackup(file);
  const stamp = STAMP();
  const staging = path.join(path.dirname(target.filesDir), `.restore-${stamp}-${process.pid}`);
  try {
    const { manifest } = b;
    if (manifest.database.kind !== target.kind)
      throw new BackupError(
        `这是${manifest.database.kind === 'pglite' ? '内置数据库（PGlite）' : ' PostgreSQL '}的备份，只能恢复到同类数据库；` +
          `当前配置的是${target.kind === 'pglite' ? '内置数据库（未设置 DATABASE_URL）' : ' PostgreSQL（DATABASE_URL）'}。没有做任何更改。\n` +
          `This is a backup of ${manifest.database.kind === 'pglite' ? 'the embedded database (PGlite)' : 'a PostgreSQL database'}; ` +
          `it restores only into the same kind, and this installation uses ${target.kind === 'pglite' ? 'the embedded database (no DATABASE_URL)' : 'PostgreSQL (DATABASE_URL)'}. Nothing was changed.`,
      );
    const known = new Set(opts.knownMigrations);
    const unknown = manifest.database.migrations.filter((m) => !known.has(m));
    if (unknown.length)
      throw new BackupError(
        `备份来自更新版本的共进（${manifest.appVersion}），本程序不认识其中的数据库迁移：${unknown.join(', ')}。请先升级共进再恢复。没有做任何更改。\n` +
          `The backup comes from a newer Gongjin (${manifest.appVersion}) with migrations this program does not know: ` +
          `${unknown.join(', ')}. Upgrade first, then restore. Nothing was changed.`,
      );
    if (target.kind === 'pglite' && pgliteInUse(target.pgliteDir!)) throw pgliteInUseError(target.pgliteDir!, '恢复');
    const dbHasTables =
      target.kind === 'pglite'
        ? await pgliteHasTables(target.pgliteDir!)
        : await postgresHasTables(target.databaseUrl!);
    const filesPresent = (await listFiles(target.filesDir)).length > 0;
    if ((dbHasTables || filesPresent) && !opts.force)
      throw new BackupError(
        `目标不是空的（${[dbHasTables ? '数据库中已有数据表' : '', filesPresent ? `文件目录 ${target.filesDir} 中已有文件` : ''].filter(Boolean).join('，')}）。` +
          '恢复会替换现有的全部数据；确认要替换请加 --force。没有做任何更改。\n' +
          `The target is not empty (${[dbHasTables ? 'the database has tables' : '', filesPresent ? `${target.filesDir} holds files` : ''].filter(Boolean).join(', ')}). ` +
          'A restore replaces all existing data; add --force to do so. Nothing was changed.',
      );

    // 1. everything out of the archive into a staging directory, every hash checked
    await fsp.mkdir(staging, { recursive: true });
    const dumpPath = path.join(staging, path.basename(manifest.database.entry));
    await extractEntry(b, file, manifest.database.entry, manifest.database, dumpPath);
    const stagedFiles = path.join(staging, 'files');
    await fsp.mkdir(stagedFiles);
    for (const f of manifest.files)
      await extractEntry(b, file, `files/${f.key}`, f, path.join(stagedFiles, ...f.key.split('/')));

    // 2. the database
    const movedAside: string[] = [];
    if (target.kind === 'pglite') {
      const dir = target.pgliteDir!;
      const fresh = `${dir}.restoring-${stamp}`;
      await fsp.rm(fresh, { recursive: true, force: true });
      await fsp.mkdir(path.dirname(dir), { recursive: true });
      try {
        const p = await PGlite.create({ dataDir: fresh, loadDataDir: await fs.openAsBlob(dumpPath) });
        try {
          const bad = countMismatch(manifest.tables, await tableCounts(pgliteRows(p)));
          if (bad) throw damaged(file, `恢复后的行数与清单不符 / restored row count differs from the manifest: ${bad}`);
        } finally {
          await p.close();
        }
        if (fs.existsSync(dir)) {
          movedAside.push(`${dir}.before-restore-${stamp}`);
          await fsp.rename(dir, movedAside.at(-1)!);
        }
        await fsp.rename(fresh, dir);
      } catch (e) {
        await fsp.rm(fresh, { recursive: true, force: true });
        throw e;
      }
    } else {
      await restorePostgres(target.databaseUrl!, dumpPath, manifest.tables, dbHasTables);
    }

    // 3. the files
    if (fs.existsSync(target.filesDir)) {
      if (filesPresent) {
        movedAside.push(`${target.filesDir}.before-restore-${stamp}`);
        await fsp.rename(target.filesDir, movedAside.at(-1)!);
      } else {
        await fsp.rm(target.filesDir, { recursive: true, force: true });
      }
    }
    await fsp.rename(stagedFiles, target.filesDir);
    return { manifest, movedAside };
  } finally {
    await b.fh.close();
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

/**
 * pg_restore writes SQL that psql runs in one transaction: with --force first dropping the public
 * schema, and last a check of every table's row count against the manifest, so a failure at any
 * point leaves the database as it was.
 */
async function restorePostgres(
  databaseUrl: string,
  dumpPath: string,
  tables: Record<string, number>,
  replace: boolean,
): Promise<void> {
  const { dbname, env } = libpqTarget(databaseUrl);
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const checks = Object.entries(tables).map(
    ([t, n]) =>
      `  if (select count(*) from public.${quoteIdent(t)}) <> ${n} then raise exception 'row count of % differs from the manifest', ${lit(t)}; end if;`,
  );
  const postamble =
    `\ndo $check$ begin\n` +
    `  if (select count(*) from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE') <> ${Object.keys(tables).length} then raise exception 'the restored tables differ from the manifest'; end if;\n` +
    `${checks.join('\n')}\nend $check$;\n`;
  const preamble = replace ? 'drop schema public cascade;\ncreate schema public;\n' : '';

  const spawnTool = (tool: string, args: string[]) => {
    const child = spawn(tool, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<void>((resolve, reject) => {
      child.on('error', (e) => reject(errCode(e) === 'ENOENT' ? toolMissing(tool) : e));
      child.on('close', (code) =>
        code === 0
          ? resolve()
          : reject(
              new BackupError(
                `${tool} 失败，数据库没有改变 / ${tool} failed, the database is unchanged (exit ${code}):\n${stderr.trim().split('\n').slice(0, 20).join('\n')}`,
              ),
            ),
      );
    });
    return { child, done };
  };
  const psql = spawnTool('psql', [
    '--no-psqlrc',
    '--quiet',
    '--single-transaction',
    '--set=ON_ERROR_STOP=1',
    `--dbname=${dbname}`,
    '--file=-',
  ]);
  psql.child.stdin!.on('error', () => undefined); // psql stopped early: its exit code says why
  psql.child.stdout!.resume();
  const restore = spawnTool('pg_restore', ['--no-owner', '--no-privileges', '--file=-', dumpPath]);
  restore.child.stdin!.end();
  psql.child.stdin!.write(preamble);
  restore.child.stdout!.pipe(psql.child.stdin!, { end: false });
  restore.child.stdout!.on('end', () => psql.child.stdin!.end(postamble));
  const results = await Promise.allSettled([restore.done, psql.done]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
