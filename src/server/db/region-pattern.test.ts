import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { regionPattern } from './region-pattern.js';

const db = new Kysely<{ schools: { id: number; region_code: string } }>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const compiled = (prefix: string) =>
  db
    .selectFrom('schools')
    .select('id')
    .where(sql<boolean>`region_code like ${regionPattern(prefix)}`)
    .compile();

describe('a region prefix in the statement', () => {
  it('writes a prefix of digits into the text, so a named statement keeps one plan per region', () => {
    expect(compiled('3304').sql).toBe(`select "id" from "schools" where region_code like '3304%'`);
    expect(compiled('3304').parameters).toEqual([]);
    expect(compiled('').sql).toContain(`like '%'`);
  });

  it('keeps anything else a parameter: a typed filter never reaches the text', () => {
    const q = compiled("33' or true --");
    expect(q.sql).toBe('select "id" from "schools" where region_code like $1');
    expect(q.parameters).toEqual(["33' or true --%"]);
  });
});
