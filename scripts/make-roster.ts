/** Writes the issue-15 roster (see src/server/modules/io/fixtures/roster.ts): `npx tsx scripts/make-roster.ts out.xlsx [rows] [seed]`. */
import fs from 'node:fs';
import { generateRoster } from '../src/server/modules/io/fixtures/roster.js';

const [out = 'roster.xlsx', rows = '2000', seed = '15'] = process.argv.slice(2);
const roster = await generateRoster({
  rows: Number(rows),
  seed: Number(seed),
  schoolCodes: ['3304810101', '3304810102', '3304810103'],
});
fs.writeFileSync(out, roster.buffer);
console.log(`${out}: ${roster.expected.length} teachers, ${roster.numberIdRows.length} ID numbers in number cells`);
