import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/harness.js';
import type { DbHandle } from './connection.js';

describe('database connections', () => {
  let dbh: DbHandle;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openTestDatabase();
    dbh = opened.dbh;
    drop = opened.dropDatabase;
  });
  afterAll(async () => {
    await dbh.close();
    await drop();
  });

  it('plans without parallel workers, without JIT and with custom plans only on every pooled connection', async () => {
    // several at once, so the pool opens more than one connection
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        sql<{
          n: string;
        }>`select current_setting('max_parallel_workers_per_gather') || ' ' || current_setting('jit') || ' ' || current_setting('plan_cache_mode') as n, pg_sleep(0.05)`.execute(
          dbh.db,
        ),
      ),
    );
    expect(settings.map((r) => r.rows[0]!.n)).toEqual(Array(4).fill('0 off auto'));
  });
});
