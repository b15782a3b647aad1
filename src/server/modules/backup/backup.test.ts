import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBackupCommand } from '../../../cli/backup.js';
import { loadConfig } from '../../config.js';
import type { AppContext } from '../../context.js';
import { connect, type Db } from '../../db/connection.js';
import { seedDemoCounty } from '../../demo/seed-all.js';
import { allMigrations } from '../index.js';
import { buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, createTestContext, login, loginAdmin, openTestDatabase } from '../../test/harness.js';
import {
  BackupError,
  createBackup,
  restoreBackup as restoreWith,
  verifyBackup,
  type BackupLocation,
} from './backup.js';

const known = Object.keys(allMigrations());
const restoreBackup = (file: string, target: BackupLocation, opts: { force?: boolean } = {}) =>
  restoreWith(file, target, { ...opts, knownMigrations: known });

/**
 * The demo county plus a few stored files is backed up, then restored into a fresh database of the
 * same kind (a new PGlite directory, or a new PostgreSQL database on the postgres project): every
 * table's row count and every file's sha256 must match the source.
 */
let ctx: AppContext & { cleanup: () => Promise<void> };
let work: string;
let archive: string;
const cleanups: (() => Promise<void>)[] = [];
const usePostgres = process.env.GONGJIN_TEST_DB === 'postgres';

async function counts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const out: Record<string, number> = {};
  for (const { name } of tables.rows)
    out[name] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db)).rows[0]!.n);
  return out;
}

function fileHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(root)) return out;
  for (const rel of fs.readdirSync(root, { recursive: true }) as string[]) {
    const p = path.join(root, rel);
    if (fs.statSync(p).isFile())
      out[rel.split(path.sep).join('/')] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  }
  return out;
}

/** A fresh, empty target: a new PGlite directory, or a new PostgreSQL database. */
async function freshTarget(name: string): Promise<BackupLocation> {
  const dir = path.join(work, name);
  if (!usePostgres) return { kind: 'pglite', pgliteDir: path.join(dir, 'pglite'), filesDir: path.join(dir, 'files') };
  const { dbh, databaseUrl, dropDatabase } = await openTestDatabase();
  await dbh.close();
  cleanups.push(dropDatabase);
  return { kind: 'postgresql', databaseUrl, filesDir: path.join(dir, 'files') };
}

async function withTarget<T>(target: BackupLocation, fn: (db: Db) => Promise<T>): Promise<T> {
  const dbh = await connect({ databaseUrl: target.databaseUrl, pgliteDir: target.pgliteDir });
  try {
    return await fn(dbh.db);
  } finally {
    await dbh.close();
  }
}

const filesDirOf = (c: AppContext) => path.join(c.config.dataDir, 'files');

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-backup-'));
  ctx = await createTestContext();
  await seedDemoCounty(ctx.dbh, { seed: 11 });
  // stored files, binary and nested, besides whatever the demo stores
  await ctx.storage.put('meetings/2026/attachment-1.pdf', Readable.from(Buffer.from('%PDF-1.4 demo attachment')));
  await ctx.storage.put(
    'activities/9/photo.bin',
    Readable.from(Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251))),
  );
  await ctx.storage.put('empty.txt', Readable.from(Buffer.alloc(0)));
  archive = path.join(work, 'gongjin.backup.tar');
  await createBackup({ dbh: ctx.dbh, databaseUrl: ctx.config.databaseUrl, filesDir: filesDirOf(ctx) }, archive, {
    appVersion: 'test',
  });
}, 600_000);

afterAll(async () => {
  await ctx?.cleanup();
  for (const c of cleanups) await c();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup', () => {
  it('writes one archive with the manifest, the database dump and every stored file', async () => {
    const manifest = await verifyBackup(archive);
    expect(manifest.database.kind).toBe(ctx.dbh.kind);
    expect(manifest.tables).toEqual(await counts(ctx.db));
    expect(manifest.tables.schools).toBeGreaterThan(0);
    const source = fileHashes(filesDirOf(ctx));
    expect(Object.keys(source).length).toBeGreaterThanOrEqual(3);
    expect(Object.fromEntries(manifest.files.map((f) => [f.key, f.sha256]))).toEqual(source);
    expect(fs.existsSync(`${archive}.partial`)).toBe(false);
  });

  it('refuses to overwrite a file and leaves nothing behind when it cannot write', async () => {
    const src = { dbh: ctx.dbh, databaseUrl: ctx.config.databaseUrl, filesDir: filesDirOf(ctx) };
    const before = fs.statSync(archive).mtimeMs;
    await expect(createBackup(src, archive, { appVersion: 'test' })).rejects.toThrow(/already exists/);
    expect(fs.statSync(archive).mtimeMs).toBe(before);
    const nowhere = path.join(work, 'no-such-dir', 'b.tar');
    await expect(createBackup(src, nowhere, { appVersion: 'test' })).rejects.toThrow(
      /目录不存在 \/ the directory does not exist/,
    );
    expect(fs.existsSync(path.dirname(nowhere))).toBe(false);
    // the out path is a directory: the rename fails after everything was written; the partial file goes
    const isDir = path.join(work, 'a-directory');
    fs.mkdirSync(path.join(isDir, 'x'), { recursive: true });
    await expect(createBackup(src, path.join(isDir, 'x'), { appVersion: 'test' })).rejects.toThrow(BackupError);
    expect(fs.readdirSync(isDir)).toEqual(['x']);
  });

  it('says the disk is full when it is, and leaves no partial file', async () => {
    // a real ENOSPC from the kernel without a tiny file system: the partial file is a link to
    // /dev/full (and, on PostgreSQL, so is pg_dump's temporary), so the first write fails as on a full disk
    const src = { dbh: ctx.dbh, databaseUrl: ctx.config.databaseUrl, filesDir: filesDirOf(ctx) };
    const dir = path.join(work, 'full-disk');
    fs.mkdirSync(dir);
    const out = path.join(dir, 'b.tar');
    fs.symlinkSync('/dev/full', `${out}.partial`);
    fs.symlinkSync('/dev/full', `${out}.partial-db`);
    await expect(createBackup(src, out, { appVersion: 'test' })).rejects.toThrow(/磁盘空间不足 \/ the disk is full/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('restore', () => {
  let target: BackupLocation;

  it('restores into a fresh database: every row count and file hash as in the source', async () => {
    target = await freshTarget('fresh');
    const { movedAside } = await restoreBackup(archive, target);
    expect(movedAside).toEqual([]);
    const expected = await counts(ctx.db);
    expect(await withTarget(target, counts)).toEqual(expected);
    expect(fileHashes(target.filesDir)).toEqual(fileHashes(filesDirOf(ctx)));
    // the restored data is usable, sequences included: a new row gets a fresh id
    await withTarget(target, async (db) => {
      const max = await sql<{ m: number }>`select max(id) as m from schools`.execute(db);
      const next = await sql<{ n: number }>`select nextval(pg_get_serial_sequence('schools', 'id')) as n`.execute(db);
      expect(Number(next.rows[0]!.n)).toBeGreaterThan(Number(max.rows[0]!.m));
    });
    expect(fs.readdirSync(path.dirname(target.filesDir)).filter((n) => n.startsWith('.restore'))).toEqual([]);
  });

  it('refuses a database that is not empty unless --force, then replaces it', async () => {
    await withTarget(target, (db) => sql`delete from audit_log`.execute(db).then(() => undefined));
    fs.writeFileSync(path.join(target.filesDir, 'stray.txt'), 'not in the backup');
    await expect(restoreBackup(archive, target)).rejects.toThrow(/not empty[\s\S]*--force/);
    expect(fs.existsSync(path.join(target.filesDir, 'stray.txt'))).toBe(true);

    const { movedAside } = await restoreBackup(archive, target, { force: true });
    expect(await withTarget(target, counts)).toEqual(await counts(ctx.db));
    expect(fileHashes(target.filesDir)).toEqual(fileHashes(filesDirOf(ctx)));
    // what was replaced is kept beside it
    expect(movedAside.some((p) => fs.existsSync(path.join(p, 'stray.txt')))).toBe(true);
  });

  it('rejects a damaged or foreign archive and changes nothing', async () => {
    const manifest = await verifyBackup(archive);
    const buf = fs.readFileSync(archive);
    // flip one byte in the body of the stored photo: the header stays valid, the sha256 does not
    const photo = manifest.files.find((f) => f.key === 'activities/9/photo.bin')!;
    const at = buf.indexOf(Buffer.from(Array.from({ length: 600 }, (_, i) => (i + 1000) % 251)));
    expect(at).toBeGreaterThan(0);
    const damaged = Buffer.from(buf);
    damaged[at + 10] = damaged[at + 10]! ^ 0xff;
    const bad = path.join(work, 'damaged.tar');
    fs.writeFileSync(bad, damaged);
    const foreign = path.join(work, 'foreign.tar');
    fs.writeFileSync(foreign, 'this is not an archive'.repeat(100));
    const truncated = path.join(work, 'truncated.tar');
    fs.writeFileSync(truncated, buf.subarray(0, buf.length - 4096));

    const empty = await freshTarget('untouched');
    await expect(verifyBackup(bad)).rejects.toThrow(/photo\.bin fails its sha256 check/);
    await expect(restoreBackup(bad, empty)).rejects.toThrow(/sha256[\s\S]*Nothing was changed/);
    await expect(restoreBackup(foreign, empty)).rejects.toThrow(/not a Gongjin backup/);
    await expect(restoreBackup(truncated, empty)).rejects.toThrow(/not a Gongjin backup/);
    expect(photo.size).toBe(70_000);
    // nothing was created or changed: no database, no files, no staging left over
    expect(fs.existsSync(empty.filesDir)).toBe(false);
    if (empty.pgliteDir) expect(fs.existsSync(empty.pgliteDir)).toBe(false);
    else expect(await withTarget(empty, counts)).toEqual({});
    const parent = path.dirname(empty.filesDir);
    expect(fs.existsSync(parent) ? fs.readdirSync(parent) : []).toEqual([]);
  });

  it('refuses a backup of the other database kind', async () => {
    const other: BackupLocation = usePostgres
      ? { kind: 'pglite', pgliteDir: path.join(work, 'other', 'pglite'), filesDir: path.join(work, 'other', 'files') }
      : {
          kind: 'postgresql',
          databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
          filesDir: path.join(work, 'other', 'f'),
        };
    await expect(restoreBackup(archive, other)).rejects.toThrow(/restores only into the same kind/);
    expect(fs.existsSync(path.join(work, 'other'))).toBe(false);
  });
});

describe('the backup command', () => {
  it('backs up a PostgreSQL database while the server runs; refuses an embedded one open in a running server', async () => {
    const out = path.join(work, 'cli.tar');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      if (usePostgres) {
        // the test context's pool stands for the running server
        const config = loadConfig({ GONGJIN_DATA_DIR: ctx.config.dataDir, DATABASE_URL: ctx.config.databaseUrl! });
        expect(await runBackupCommand(config, out, 't')).toBe(0);
      } else {
        const dataDir = path.join(work, 'running');
        const config = loadConfig({ GONGJIN_DATA_DIR: dataDir });
        const running = await connect({ pgliteDir: path.join(dataDir, 'pglite') });
        try {
          expect(await runBackupCommand(config, out, 't')).toBe(1);
        } finally {
          await running.close();
        }
        expect(errors.join('\n')).toMatch(/正被运行中的服务使用[\s\S]*in use by a running server/);
        expect(fs.existsSync(out)).toBe(false);
        // stopped: the same command works
        expect(await runBackupCommand(config, out, 't')).toBe(0);
      }
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
    const manifest = await verifyBackup(out);
    expect(manifest.database.kind).toBe(usePostgres ? 'postgresql' : 'pglite');
    if (usePostgres) expect(manifest.tables).toEqual(await counts(ctx.db));
  });
});

describe('POST /api/v1/admin/backup', () => {
  it('sends the national administrator the same archive from the running server, and nobody else', async () => {
    const t = await createTestApp();
    try {
      await t.ctx.storage.put('x/report.pdf', Readable.from(Buffer.from('%PDF-1.4 stored while running')));
      const county = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: '330481' });
      const countyClient = await login(t.app, county.username, USER_PASSWORD);
      expect((await countyClient.post('/api/v1/admin/backup')).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/admin/backup', payload: {} })).statusCode).toBe(401);

      const admin = await loginAdmin(t.app);
      const res = await admin.post('/api/v1/admin/backup');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-tar');
      const file = path.join(work, 'from-server.tar');
      fs.writeFileSync(file, res.rawPayload);
      const manifest = await verifyBackup(file);
      expect(manifest.database.kind).toBe(t.ctx.dbh.kind);
      expect(manifest.files.map((f) => f.key)).toEqual(['x/report.pdf']);
      // the counts are the snapshot's: the audit entry of this backup is written after it
      const now = await counts(t.ctx.db);
      expect(manifest.tables).toEqual({ ...now, audit_log: now.audit_log! - 1 });
      // nothing left in the data directory
      expect(fs.readdirSync(path.join(t.ctx.config.dataDir, 'backup-tmp'))).toEqual([]);

      const target = await freshTarget('from-server');
      await restoreBackup(file, target);
      expect(await withTarget(target, counts)).toEqual(manifest.tables);
    } finally {
      await t.close();
    }
  });
});
