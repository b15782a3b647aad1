import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/harness.js';
import { connect, type DbHandle } from './connection.js';
import { MAX_NAMED_STATEMENTS, runsNamed } from './prepared.js';

/** Named prepared statements on the PostgreSQL server (prepared.ts). */
describe('prepared statements on PostgreSQL', () => {
  let dbh: DbHandle;
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDatabase();
    await opened.dbh.close();
    url = opened.databaseUrl!;
    drop = opened.dropDatabase;
    // one connection, so every query below meets the statements the ones before it prepared
    dbh = await connect({ databaseUrl: url, poolSize: 1 });
    await sql`create table prepared_probe (id int primary key, name text)`.execute(dbh.db);
    await sql`insert into prepared_probe values (1, '王丽'), (2, '李明')`.execute(dbh.db);
  });
  afterAll(async () => {
    await dbh.close();
    await drop();
  });

  const probe = (id: number) =>
    sql<Record<string, unknown>>`select * from prepared_probe where id = ${id}`.execute(dbh.db);
  const statements = async () =>
    (
      await sql<{ statement: string }>`select statement from pg_prepared_statements where ${1} = 1`.execute(dbh.db)
    ).rows.map((r) => r.statement);

  it('parses a parameterised query once per connection and runs it again by name', async () => {
    expect((await probe(1)).rows).toEqual([{ id: 1, name: '王丽' }]);
    expect((await probe(2)).rows).toEqual([{ id: 2, name: '李明' }]);
    const prepared = await statements();
    expect(prepared.filter((s) => s.includes('from prepared_probe where id = $1'))).toHaveLength(1);
  });

  it('plans a substring search for its values on every call; a prefix pattern stays named', async () => {
    const before = (await statements()).length;
    for (const term of ['%王%', '%明%', '%王%', '%明%', '%王%', '%明%'])
      await sql`select id from prepared_probe where name like ${term}`.execute(dbh.db);
    await sql`select id from prepared_probe where name ilike ${'%李%'}`.execute(dbh.db);
    const prepared = await statements();
    expect(prepared.filter((s) => /like/i.test(s))).toEqual([]);
    // the statements query itself is the only one named meanwhile
    expect(prepared.length).toBeLessThanOrEqual(before + 1);
    await sql`select id from prepared_probe where name like ${'王%'}`.execute(dbh.db);
    expect((await statements()).filter((s) => /like/i.test(s))).toHaveLength(1);
    expect(runsNamed('select 1 from t where gongjin_grams(name) @> $1::text[]', [['王丽']])).toBe(false);
    expect(runsNamed('select 1 from t where region_code like $1', ['33%'])).toBe(true);
    expect(runsNamed('select 1 from t where title ilike $1', ['%教研%'])).toBe(false);
    // a page whose bounds are written into its text has no parameters, and is named all the same
    expect(runsNamed(`select id from t where region_code like '33%' limit 20 offset 0`, [])).toBe(true);
    expect(runsNamed('create table a (id int); insert into a values (1)', [])).toBe(false);
    expect(runsNamed('begin', [])).toBe(false);
  });

  it('prepares at most MAX_NAMED_STATEMENTS texts on one connection, then runs new ones unnamed', async () => {
    const own = await connect({ databaseUrl: url, poolSize: 1 });
    try {
      for (let i = 0; i < MAX_NAMED_STATEMENTS + 5; i++)
        await sql`select ${sql.lit(i)} as n from prepared_probe where id = ${1}`.execute(own.db);
      const r = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(own.db);
      expect(r.rows[0]!.n).toBe(MAX_NAMED_STATEMENTS);
    } finally {
      await own.close();
    }
  });

  it('answers with the new columns when a migration changes the table under a prepared select *', async () => {
    await probe(1);
    await sql`alter table prepared_probe add column phone text`.execute(dbh.db);
    // "cached plan must not change result type" from the server: named afresh and run again
    expect((await probe(1)).rows).toEqual([{ id: 1, name: '王丽', phone: null }]);
    expect((await probe(2)).rows).toEqual([{ id: 2, name: '李明', phone: null }]);
  });

  it('lets the error stand inside a transaction, which fails once; the next one works', async () => {
    await probe(1);
    await sql`alter table prepared_probe add column grade text`.execute(dbh.db);
    await expect(
      dbh.db.transaction().execute(async (tx) => sql`select * from prepared_probe where id = ${1}`.execute(tx)),
    ).rejects.toThrow(/cached plan must not change result type/);
    const again = await dbh.db
      .transaction()
      .execute(async (tx) => sql`select * from prepared_probe where id = ${1}`.execute(tx));
    expect(again.rows).toEqual([{ id: 1, name: '王丽', phone: null, grade: null }]);
  });

  it('keeps statements of several commands on the simple protocol (migrations send them)', async () => {
    await sql`create table prepared_probe_2 (id int); insert into prepared_probe_2 values (7)`.execute(dbh.db);
    expect((await sql<{ id: number }>`select id from prepared_probe_2 where id = ${7}`.execute(dbh.db)).rows).toEqual([
      { id: 7 },
    ]);
  });

  it('sends them unnamed when turned off (GONGJIN_PG_PREPARED_STATEMENTS=0)', async () => {
    const plain = await connect({ databaseUrl: url, poolSize: 1, preparedStatements: false });
    try {
      await sql`select * from prepared_probe where id = ${1}`.execute(plain.db);
      const r = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where ${1} = 1`.execute(
        plain.db,
      );
      expect(r.rows[0]!.n).toBe(0);
    } finally {
      await plain.close();
    }
  });
});
