/**
 * Issue 15 "Round trip": writes src/server/modules/io/fixtures/libreoffice/ — our own exports of
 * schools, teachers and annual statistics, re-saved by LibreOffice Calc. Seeds the deterministic
 * dataset of src/server/test/round-trip-seed.ts into a fresh in-memory database, downloads each
 * export through the real endpoint, and runs `soffice --headless --convert-to xlsx` on it.
 * Needs LibreOffice (`apt-get install libreoffice-calc-nogui`); CI only reads the checked-in files.
 * Run with `npx tsx scripts/make-libreoffice-fixtures.ts`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, loginAdmin } from '../src/server/test/harness.js';
import { ROUND_TRIP_EXPORTS, seedRoundTrip } from '../src/server/test/round-trip-seed.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/server/modules/io/fixtures/libreoffice');
const version = execFileSync('soffice', ['--version'], { encoding: 'utf8' }).trim();
const t = await createTestApp();
try {
  const admin = await loginAdmin(t.app);
  await seedRoundTrip(t, admin);
  const work = mkdtempSync(path.join(os.tmpdir(), 'gongjin-lo-'));
  const exported = path.join(work, 'exported');
  const saved = path.join(work, 'saved');
  mkdirSync(exported);
  mkdirSync(saved);
  for (const [kind, url] of ROUND_TRIP_EXPORTS) {
    const res = await admin.get(url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    writeFileSync(path.join(exported, `${kind}.xlsx`), res.rawPayload);
  }
  // a private profile so a desktop LibreOffice's settings never leak in
  execFileSync(
    'soffice',
    [
      `-env:UserInstallation=file://${path.join(work, 'profile')}`,
      '--headless',
      '--convert-to',
      'xlsx',
      '--outdir',
      saved,
      ...ROUND_TRIP_EXPORTS.map(([kind]) => path.join(exported, `${kind}.xlsx`)),
    ],
    { stdio: 'inherit' },
  );
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.xlsx')) rmSync(path.join(dir, f));
  for (const [kind] of ROUND_TRIP_EXPORTS)
    copyFileSync(path.join(saved, `${kind}.xlsx`), path.join(dir, `${kind}.xlsx`));
  rmSync(work, { recursive: true, force: true });
  console.log(`${ROUND_TRIP_EXPORTS.length} files re-saved by ${version} in ${dir}`);
} finally {
  await t.close();
}
