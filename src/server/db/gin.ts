import { sql, type Kysely } from 'kysely';

/**
 * The longest a GIN index's pending list may grow, in kB (64 is PostgreSQL's minimum; its default is
 * 4 MB). A GIN index takes new rows into an unsorted pending list and merges them into its tree only
 * when the list is full or a vacuum runs; until then every search through the index reads the whole
 * list. The province's 5,000 schools had 266 pending pages behind their two name indexes, and a
 * teacher search spent half its time (0.9 of 1.8 ms) reading 114 pending pages. At 64 kB a search
 * reads at most eight such pages, and a bulk insert still gathers its entries before merging them:
 * 293,247 teacher names took 3.7 s to insert at this limit, 2.0 s at the default and 7.8 s with no
 * pending list at all (`fastupdate = off`), on PostgreSQL 15.
 */
export const GIN_PENDING_LIST_KB = 64;

/** Gives GIN indexes the short pending list above, and merges what their lists hold now. */
export async function keepGinPendingListsShort(db: Kysely<unknown>, indexes: readonly string[]): Promise<void> {
  for (const index of indexes) {
    await sql`alter index ${sql.id(index)} set (gin_pending_list_limit = ${sql.lit(GIN_PENDING_LIST_KB)})`.execute(db);
    await sql`select gin_clean_pending_list(${index}::regclass)`.execute(db);
  }
}
