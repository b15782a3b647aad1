import { shanghaiDate } from '../../../shared/beijing-time.js';
import { describe, expect, it } from 'vitest';
import { parseMinutes } from '../../../shared/meetings.markdown.js';
import {
  actionItemStatus,
  allSigned,
  carryOverTopic,
  daysBetween,
  meetingDue,
  monthsBefore,
  normalizeMinutes,
  pickPrincipal,
  resolveSigners,
  sha256Hex,
  signRefusal,
  type SignAttempt,
} from './meetings.rules.js';

describe('dates', () => {
  it.each([
    ['2026-11-23', 6, '2026-05-23'],
    ['2026-08-31', 6, '2026-02-28'],
    ['2028-08-31', 6, '2028-02-29'],
    ['2026-03-15', 6, '2025-09-15'],
    ['2026-01-01', 1, '2025-12-01'],
  ])('%s minus %i months is %s', (d, m, want) => expect(monthsBefore(d, m)).toBe(want));

  it('takes the calendar day in Asia/Shanghai', () => {
    expect(shanghaiDate('2026-11-22T16:30:00Z')).toBe('2026-11-23');
    expect(shanghaiDate('2026-11-22T15:59:59Z')).toBe('2026-11-22');
    expect(daysBetween('2026-11-01', '2026-11-23')).toBe(22);
    expect(daysBetween('2026-11-23', '2026-11-01')).toBe(-22);
  });
});

describe('meetingDue (seed 001: 原则上每半年举行一次)', () => {
  it.each([
    [null, '2026-11-23', true],
    ['2026-05-22', '2026-11-23', true],
    ['2026-05-23', '2026-11-23', false],
    ['2026-09-10', '2026-11-23', false],
  ])('last meeting %s, as of %s → due %s', (last, asOf, want) => expect(meetingDue(last, asOf)).toBe(want));
});

describe('actionItemStatus', () => {
  it.each([
    [{ done_at: null, due_date: '2026-11-22' }, 'overdue'],
    [{ done_at: null, due_date: '2026-11-23' }, 'open'],
    [{ done_at: '2026-12-01T00:00:00Z', due_date: '2026-11-01' }, 'done'],
  ] as const)('%o → %s as of 2026-11-23', (item, want) => expect(actionItemStatus(item, '2026-11-23')).toBe(want));
});

describe('minutes text', () => {
  it('normalises line ends and drops control characters before hashing', () => {
    expect(normalizeMinutes('一\r\n二\r三\u0000\u0007\t四')).toBe('一\n二\n三\t四');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('纪要')).not.toBe(sha256Hex('纪要 '));
  });

  it('parses the markdown subset into blocks, never HTML', () => {
    const blocks = parseMinutes('# 会议纪要\n\n一、**议定**事项\n- 第一条\n<script>alert(1)</script>\n\n---');
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'item', 'item', 'paragraph', 'rule']);
    expect(blocks[1]).toMatchObject({
      ordered: true,
      marker: '一、',
      inlines: [
        { text: '议定', bold: true },
        { text: '事项', bold: false },
      ],
    });
    expect(blocks[3]).toMatchObject({ inlines: [{ text: '<script>alert(1)</script>', bold: false }] });
  });
});

describe('signers', () => {
  const schools = [
    { schoolId: 1, schoolName: '硖石小学', role: 'core' as const },
    { schoolId: 2, schoolName: '周王庙小学', role: 'member' as const },
  ];
  it('prefers the account linked to the teacher whose post is principal, else the oldest account', () => {
    expect(
      pickPrincipal([
        { userId: 9, schoolId: 1, displayName: '教务', teacherPosts: ['middle_manager'] },
        { userId: 12, schoolId: 1, displayName: '张校长', teacherPosts: ['principal'] },
      ])?.userId,
    ).toBe(12);
    expect(
      pickPrincipal([
        { userId: 9, schoolId: 1, displayName: 'b', teacherPosts: null },
        { userId: 3, schoolId: 1, displayName: 'a', teacherPosts: null },
      ])?.userId,
    ).toBe(3);
    expect(pickPrincipal([])).toBeUndefined();
  });
  it('reports every school without a principal instead of skipping it', () => {
    const r = resolveSigners(schools, [{ userId: 5, schoolId: 1, displayName: '王校长', teacherPosts: null }]);
    expect(r.signers).toEqual([{ ...schools[0], userId: 5, signerName: '王校长' }]);
    expect(r.missing).toEqual([schools[1]]);
  });
  it('locks only when every signer of the round has signed', () => {
    expect(allSigned([{ status: 'signed' }, { status: 'signed' }])).toBe(true);
    expect(allSigned([{ status: 'signed' }, { status: 'pending' }])).toBe(false);
    expect(allSigned([])).toBe(false);
  });
});

describe('signRefusal', () => {
  const hash = 'a'.repeat(64);
  const base: SignAttempt = {
    current: { revision: 2, status: 'circulated', body_sha256: hash, round: 1 },
    seen: { revision: 2, sha256: hash },
    signer: { user_id: 7, status: 'pending' },
    userId: 7,
    meetingStarted: true,
  };
  it.each([
    ['ok', base, null],
    ['no minutes', { ...base, current: undefined }, 'not_circulated'],
    ['draft', { ...base, current: { ...base.current!, status: 'draft' } }, 'not_circulated'],
    ['older revision', { ...base, seen: { revision: 1, sha256: hash } }, 'superseded'],
    ['locked', { ...base, current: { ...base.current!, status: 'locked' } }, 'already_decided'],
    ['different text', { ...base, seen: { revision: 2, sha256: 'b'.repeat(64) } }, 'hash_mismatch'],
    ['school not a signer', { ...base, signer: undefined }, 'not_signer'],
    ['another user of the school', { ...base, userId: 8 }, 'not_signer'],
    ['signed already', { ...base, signer: { user_id: 7, status: 'signed' } }, 'already_decided'],
    ['returned already', { ...base, signer: { user_id: 7, status: 'returned' } }, 'already_decided'],
    // circulated, then the meeting moved to a later date: nobody signs for a meeting not yet held
    ['meeting not held yet', { ...base, meetingStarted: false }, 'before_meeting'],
  ] as const)('%s', (_name, attempt, want) => expect(signRefusal(attempt as SignAttempt)).toBe(want));
});

it('words the carried-over agenda item', () => {
  expect(carryOverTopic({ title: '共建英语同步课堂', owner_name: '周王庙小学', due_date: '2026-12-31' })).toBe(
    '上次会议事项落实情况：共建英语同步课堂（负责：周王庙小学；截止 2026-12-31）',
  );
});
