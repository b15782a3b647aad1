import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, login, loginAdmin, type TestApp } from '../../test/harness.js';
import { buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { RecentReads } from '../../db/recent-reads.js';
import { changesSessions, writeGeneration, written } from '../../db/write-watch.js';

const sessionsChanged = () => written('sessions');
const sessionGeneration = () => writeGeneration('sessions');

/**
 * Sessions read a moment ago are trusted from memory for GONGJIN_READ_CACHE_MS; a write on this
 * instance that ends or changes a session is seen by the very next request.
 */
const TTL_MS = 2000;
let clock = new Date('2026-12-06T08:00:00Z');
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp({ now: () => clock, env: { GONGJIN_READ_CACHE_MS: String(TTL_MS) } });
  admin = await loginAdmin(t.app);
});
afterAll(() => t.close());

const me = (c: Client) => c.get('/api/v1/auth/me');

describe('the cache itself', () => {
  it('keeps a read for its time, and no longer', () => {
    const cache = new RecentReads<string>('sessions', 1000);
    cache.set('a', 'alice', 10_000, sessionGeneration());
    expect(cache.get('a', 10_999)).toBe('alice');
    expect(cache.get('a', 11_000)).toBeUndefined();
    // a clock that went back does not stretch the time either
    cache.set('a', 'alice', 10_000, sessionGeneration());
    expect(cache.get('a', 9_000)).toBeUndefined();
  });

  it('forgets every read when a session changes, and keeps no read that began before the change', () => {
    const cache = new RecentReads<string>('sessions', 1000);
    cache.set('a', 'alice', 10_000, sessionGeneration());
    sessionsChanged();
    expect(cache.get('a', 10_001)).toBeUndefined();
    const before = sessionGeneration();
    sessionsChanged(); // a sign-out while the read was under way
    cache.set('b', 'bob', 10_002, before);
    expect(cache.get('b', 10_003)).toBeUndefined();
  });

  it('keeps nothing when turned off, and at most its size', () => {
    const off = new RecentReads<string>('sessions', 0);
    off.set('a', 'alice', 10_000, sessionGeneration());
    expect(off.get('a', 10_000)).toBeUndefined();
    const small = new RecentReads<string>('sessions', 1000, 2);
    for (const k of ['a', 'b', 'c']) small.set(k, k, 10_000, sessionGeneration());
    expect([small.get('a', 10_000), small.get('b', 10_000), small.get('c', 10_000)]).toEqual([undefined, 'b', 'c']);
  });

  it('tells the writes that can end or change a session from bookkeeping', () => {
    const db = t.ctx.db;
    const node = (q: { toOperationNode(): Parameters<typeof changesSessions>[0] }) =>
      changesSessions(q.toOperationNode());
    expect(node(db.deleteFrom('sessions').where('id', '=', 'x'))).toBe(true);
    expect(node(db.deleteFrom('users').where('id', '=', 1))).toBe(true);
    expect(node(db.updateTable('users').set({ is_active: false }).where('id', '=', 1))).toBe(true);
    expect(node(db.updateTable('users as u').set({ role: 'viewer' }).where('u.id', '=', 1))).toBe(true);
    expect(node(db.updateTable('sessions').set({ expires_at: '2026-01-01T00:00:00Z' }))).toBe(true);
    expect(node(db.updateTable('sessions').set({ last_seen_at: '2026-01-01T00:00:00Z' }))).toBe(false);
    expect(node(db.updateTable('users').set({ last_login_at: '2026-01-01T00:00:00Z' }))).toBe(false);
    expect(node(db.updateTable('teachers').set({ name: '王丽' }))).toBe(false);
    expect(node(db.selectFrom('sessions').selectAll())).toBe(false);
  });
});

describe('a signed-in user', () => {
  it('is answered from memory within the cache time, and read again after it', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'cached_ann' });
    const ann = await login(t.app, 'cached_ann', USER_PASSWORD);
    expect((await me(ann)).statusCode).toBe(200);
    expect((await me(ann)).statusCode).toBe(200); // now kept
    // another instance ends every session: this one trusts its read until the cache time is over
    await sql`delete from sessions`.execute(t.ctx.db);
    expect((await me(ann)).statusCode).toBe(200);
    advance(TTL_MS);
    expect((await me(ann)).statusCode).toBe(401);
    admin = await loginAdmin(t.app);
  });

  it('is signed out at once by signing out', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'cached_bo' });
    const bo = await login(t.app, 'cached_bo', USER_PASSWORD);
    expect((await me(bo)).statusCode).toBe(200);
    expect((await me(bo)).statusCode).toBe(200);
    expect((await bo.post('/api/v1/auth/logout', {})).statusCode).toBeLessThan(300);
    expect((await me(bo)).statusCode).toBe(401);
  });

  it('is shut out at once when an administrator disables the account', async () => {
    const user = await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'cached_cy' });
    const cy = await login(t.app, 'cached_cy', USER_PASSWORD);
    expect((await me(cy)).statusCode).toBe(200);
    expect((await me(cy)).statusCode).toBe(200);
    const off = await admin.patch(`/api/v1/users/${user.id}`, { isActive: false });
    expect(off.statusCode, off.body).toBe(200);
    expect((await me(cy)).statusCode).toBe(401);
  });

  it('loses a role at once when an administrator takes it away', async () => {
    const user = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING }, { username: 'cached_di' });
    const di = await login(t.app, 'cached_di', USER_PASSWORD);
    expect((await di.get('/api/v1/users')).statusCode).toBe(200);
    expect((await di.get('/api/v1/users')).statusCode).toBe(200);
    const changed = await admin.patch(`/api/v1/users/${user.id}`, { role: 'viewer' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await di.get('/api/v1/users')).statusCode).toBe(403);
  });

  it('loses every session at once when signing out everywhere (a transaction)', async () => {
    await buildUser(t.ctx.db, 'viewer', { kind: 'region', id: HAINING }, { username: 'cached_ed' });
    const laptop = await login(t.app, 'cached_ed', USER_PASSWORD);
    const phone = await login(t.app, 'cached_ed', USER_PASSWORD);
    expect((await me(phone)).statusCode).toBe(200);
    expect((await me(phone)).statusCode).toBe(200);
    const out = await laptop.delete('/api/v1/auth/sessions');
    expect(out.statusCode, out.body).toBeLessThan(300);
    expect((await me(phone)).statusCode).toBe(401);
  });
});
