import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestContext } from '../test/harness.js';
import { GIN_PENDING_LIST_KB } from './gin.js';

describe('GIN indexes', () => {
  let t: Awaited<ReturnType<typeof createTestContext>>;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => t?.cleanup());

  it('every GIN index of the schema keeps a short pending list, which searches read whole', async () => {
    const indexes = await sql<{ name: string; options: string[] | null }>`
      select i.relname as name, i.reloptions as options
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_am a on a.oid = i.relam
      join pg_namespace n on n.oid = i.relnamespace
      where a.amname = 'gin' and n.nspname = current_schema()
      order by 1`.execute(t.db);
    expect(indexes.rows.length).toBeGreaterThanOrEqual(12);
    const long = indexes.rows.filter(
      (r) => !(r.options ?? []).includes(`gin_pending_list_limit=${GIN_PENDING_LIST_KB}`),
    );
    expect(long.map((r) => r.name)).toEqual([]);
  });
});
