/**
 * Writes the import corpus (src/server/modules/io/import-corpus.ts) to
 * src/server/modules/io/fixtures/corpus/. Run with `npx tsx scripts/make-import-corpus.ts`; the
 * output is deterministic, and import.corpus.test.ts checks the checked-in files match it.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS } from '../src/server/modules/io/import-corpus.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/server/modules/io/fixtures/corpus');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
let bytes = 0;
for (const file of CORPUS) {
  const buf = file.build();
  writeFileSync(path.join(dir, file.name), buf);
  bytes += buf.length;
}
console.log(`${CORPUS.length} files, ${Math.round(bytes / 1024)} KB, in ${dir}`);
