/**
 * Joint meetings at province scale: seeds the meetings demo for every community, then times the
 * meeting list, the bureau-wide reminders (three aggregate queries over all communities), the
 * overdue action items, one meeting's detail and minutes, and the PDF export.
 */
import { sql } from 'kysely';
import { seedMeetingsDemo } from '../src/server/modules/meetings/meetings.demo.js';
import { round, timeGet, type BenchEnv, type BenchFigure } from './lib.js';

const REQUEST_TARGET_MS = 200;
const PDF_TARGET_MS = 1500;

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const started = performance.now();
  const counts = await seedMeetingsDemo(env.dbh, {});
  const seedS = (performance.now() - started) / 1000;
  const figures: BenchFigure[] = [
    {
      name: `seedMeetingsDemo ${counts.meetings} meetings / ${counts.actionItems} items`,
      value: round(seedS),
      unit: 's',
      detail: counts,
    },
  ];

  const meeting = await env.db
    .selectFrom('meetings as m')
    .select('m.id')
    .where(
      sql<boolean>`exists (select 1 from meeting_minutes_revisions r where r.meeting_id = m.id and r.status = 'locked')`,
    )
    .orderBy('m.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const requests: [string, string, number][] = [
    ['meetings page 1', '/api/v1/meetings?page=1&pageSize=20', REQUEST_TARGET_MS],
    ['meetings awaiting signature', '/api/v1/meetings?page=1&pageSize=20&minutesStatus=circulated', REQUEST_TARGET_MS],
    [
      'meetings 2026-09..2026-12',
      '/api/v1/meetings?page=1&pageSize=20&from=2026-09-01&to=2026-12-31',
      REQUEST_TARGET_MS,
    ],
    ['reminders bureau-wide', '/api/v1/meetings/reminders?asOf=2026-11-23', REQUEST_TARGET_MS],
    [
      'overdue action items',
      '/api/v1/meeting-action-items?status=overdue&asOf=2026-11-23&pageSize=50',
      REQUEST_TARGET_MS,
    ],
    ['meeting detail', `/api/v1/meetings/${meeting.id}`, REQUEST_TARGET_MS],
    ['meeting minutes', `/api/v1/meetings/${meeting.id}/minutes`, REQUEST_TARGET_MS],
    ['meeting PDF export', `/api/v1/meetings/${meeting.id}/export.pdf`, PDF_TARGET_MS],
  ];
  for (const [name, url, target] of requests) {
    const f = await timeGet(env, name, url, target);
    figures.push(f);
    console.log(`  ${name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }
  return figures;
}
