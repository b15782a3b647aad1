import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { AppError, ValidationError, fieldIssue, ruleViolation, type FieldIssue } from '../../http/errors.js';
import { semesterLabel, semesterOfDate, semesterRange } from '../../../shared/activities.semester.js';
import type { ExchangeKind } from '../../../shared/exchange.enums.js';
import {
  type ExchangeAcceptOptions,
  type ExchangeAssignment,
  type ExchangeRowChoice,
  type PairingMode,
  type PairingResult,
} from '../../../shared/planner.schemas.js';
import { AssignmentsService } from '../exchange/index.js';
import { CommunitiesService } from '../registry/index.js';
import * as repo from './planner.repo.js';

/**
 * Turns an accepted pairing into registry changes, through the registry's own services (each of
 * which validates and audits): a core that already leads a community gains the new members; a
 * core without one gets a new community founded on the effective date; a member that moves ends
 * its old membership the day before. Everything is checked before the first write, and the caller
 * runs it inside one transaction, so a failing write leaves the registry as it was.
 */
export interface AcceptOutcome {
  communities: number[];
  added: number;
  ended: number;
}

export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export async function acceptPairingPlan(
  db: Db,
  caller: Caller,
  plan: { id: number; regionCode: string; mode: PairingMode },
  result: PairingResult,
  effectiveDate: string,
): Promise<AcceptOutcome> {
  const communities = new CommunitiesService(db);
  const endDate = dayBefore(effectiveDate);
  const point = new Map(result.points.map((p) => [p.id, p]));
  const memberIds = [...new Set(result.assignments.map((a) => Number(a.memberId)))];
  const coreIds = [...new Set(result.assignments.map((a) => Number(a.coreId)))];
  const current = await repo.currentMemberships(db, memberIds, effectiveDate);
  const led = await repo.ledCommunities(db, coreIds, effectiveDate);
  const ledBy = new Map<number, { community_id: number; member_ids: number[] }>();
  for (const l of led) if (!ledBy.has(l.school_id)) ledBy.set(l.school_id, l);
  const ledInfo = led.length
    ? await db
        .selectFrom('communities')
        .select(['id', 'region_code', 'partner_region_code', 'founded_on'])
        .where('id', 'in', [...new Set(led.map((l) => l.community_id))])
        .execute()
    : [];
  const infoOf = new Map(ledInfo.map((c) => [c.id, c]));

  const issues: FieldIssue[] = [];
  const toEnd: { communityId: number; membershipId: number }[] = [];
  const toAdd: { communityId: number; schoolId: number }[] = [];
  const toCreate = new Map<number, number[]>();
  for (const a of result.assignments) {
    const member = Number(a.memberId);
    const core = Number(a.coreId);
    const mine = current.filter((m) => m.school_id === member);
    const stays = mine.some((m) => m.core_ids.includes(core));
    for (const m of mine) {
      if (m.core_ids.includes(core)) continue;
      if (m.start_date > endDate) {
        issues.push(
          fieldIssue(
            'body.effectiveDate',
            'before_start',
            `“${a.memberName}”现有成员关系始于 ${m.start_date}，生效日期须晚于该日`,
            `"${a.memberName}" joined its current community on ${m.start_date}; the effective date must be later`,
          ),
        );
      }
      toEnd.push({ communityId: m.community_id, membershipId: m.membership_id });
    }
    if (stays) continue;
    const community = ledBy.get(core);
    if (community) {
      const info = infoOf.get(community.community_id)!;
      const region = point.get(a.memberId)?.regionCode;
      if (region && region !== info.region_code && region !== info.partner_region_code) {
        issues.push(
          fieldIssue(
            'body',
            'region_mismatch',
            `“${a.memberName}”与“${a.coreName}”所在教共体不属同一地区，请先将该教共体设为跨区域`,
            `"${a.memberName}" is outside the region of "${a.coreName}"'s community; make that community cross-region first`,
          ),
        );
      }
      if (effectiveDate < info.founded_on)
        issues.push(
          fieldIssue(
            'body.effectiveDate',
            'before_founding',
            `生效日期早于“${a.coreName}”教共体成立日期 ${info.founded_on}`,
            `The effective date precedes the founding of "${a.coreName}"'s community (${info.founded_on})`,
          ),
        );
      toAdd.push({ communityId: community.community_id, schoolId: member });
    } else {
      const list = toCreate.get(core) ?? [];
      list.push(member);
      toCreate.set(core, list);
    }
  }
  if (issues.length) throw new ValidationError(issues);

  const created: number[] = [];
  {
    let n = 0;
    for (const [core, members] of toCreate) {
      const c = point.get(String(core))!;
      const partner = members.map((m) => point.get(String(m))?.regionCode).find((r) => r && r !== c.regionCode) ?? null;
      const detail = await communities.create(caller, {
        code: `P${plan.id}-${++n}`,
        name: `${c.name}教共体`,
        type: 'cobuilt',
        model: plan.mode === 'tree' ? 'tree_circle' : 'one_plus_x',
        regionCode: c.regionCode ?? plan.regionCode,
        isCrossRegion: partner !== null,
        partnerRegionCode: partner,
        foundedOn: effectiveDate,
        description: `由结对规划方案 #${plan.id} 生成 / created by pairing plan #${plan.id}`,
        members: [{ schoolId: core, role: 'core' }, ...members.map((m) => ({ schoolId: m, role: 'member' as const }))],
        // the leadership group is named by the community afterwards
        leaders: [],
      });
      created.push(detail.id);
    }
  }
  for (const a of toAdd)
    await communities.addMember(caller, a.communityId, {
      schoolId: a.schoolId,
      role: 'member',
      startDate: effectiveDate,
      note: `结对规划方案 #${plan.id}`,
    });
  const ended = new Set<number>();
  for (const e of toEnd) {
    if (ended.has(e.membershipId)) continue;
    ended.add(e.membershipId);
    await communities.endMember(caller, e.communityId, e.membershipId, endDate, `结对规划方案 #${plan.id} 调整`);
  }
  return { communities: created, added: toAdd.length, ended: ended.size };
}

/** The last day of the term a date falls in; a date in the summer holiday starts the autumn term. */
function termEnd(date: string): string {
  const term = semesterOfDate(date) ?? semesterOfDate(`${date.slice(0, 4)}-09-01`)!;
  return semesterRange(term)!.end;
}

/** Kinds that are a few days a week by nature; the others default to a full-time posting. */
const PART_TIME_KINDS: readonly ExchangeKind[] = ['itinerant', 'send_lesson'];

/** What one row is posted as: the row's own choice over the accept's, over the plan's defaults. */
export interface PostedRow {
  id: number;
  kind: ExchangeKind;
}

/**
 * Checks the accept's choices against the plan before anything is posted: the term holds the
 * start date, row overrides name existing rows once each.
 */
function choiceIssues(rows: readonly ExchangeAssignment[], startDate: string, options: ExchangeAcceptOptions) {
  const issues: FieldIssue[] = [];
  if (options.term) {
    const term = semesterRange(options.term)!;
    const label = semesterLabel(options.term);
    if (startDate < term.start || startDate > term.end)
      issues.push(
        fieldIssue(
          'body.effectiveDate',
          'outside_term',
          `开始日期 ${startDate} 不在所选学期（${label}，${term.start} 至 ${term.end}）内`,
          `The start date ${startDate} is outside the chosen term (${semesterLabel(options.term, 'en')}, ${term.start} to ${term.end})`,
        ),
      );
  }
  const seen = new Set<number>();
  for (const [j, r] of (options.rows ?? []).entries()) {
    if (r.index >= rows.length || seen.has(r.index))
      issues.push(
        fieldIssue(
          `body.exchange.rows.${j}.index`,
          r.index >= rows.length ? 'unknown_row' : 'duplicate_row',
          r.index >= rows.length ? `方案没有第 ${r.index + 1} 行` : `第 ${r.index + 1} 行重复设置`,
          r.index >= rows.length ? `The plan has no row ${r.index + 1}` : `Row ${r.index + 1} is set twice`,
        ),
      );
    seen.add(r.index);
  }
  return issues;
}

/**
 * Posts an accepted exchange plan's rows to the exchange register through the exchange module's own
 * create (its scope, field, timetable and overlap rules, and its audit) — the same checks as an
 * assignment entered by hand. Each row is posted as the kind, workload and dates chosen for it (per
 * row, else for the whole plan, else the plan's own: 支教 full-time, 走教 part-time on its weekly
 * days, to the end of the term). Every row is tried so that all refusals come back at once, each
 * naming its row and teacher; the caller's transaction then rolls back, so a plan is posted whole
 * or not at all. Returns the new assignments in row order.
 */
export async function postExchangePlan(
  tx: Db,
  caller: Caller,
  planId: number,
  rows: readonly ExchangeAssignment[],
  startDate: string,
  options: ExchangeAcceptOptions,
): Promise<PostedRow[]> {
  const register = new AssignmentsService(tx);
  const { rows: perRow, term, ...all } = options;
  const defaultEnd = term ? semesterRange(term)!.end : termEnd(startDate);
  const choiceOf = new Map((perRow ?? []).map(({ index, ...c }) => [index, c]));
  const posted: PostedRow[] = [];
  const issues: FieldIssue[] = choiceIssues(rows, startDate, options);
  if (issues.length) throw new ValidationError(issues);
  let status: 409 | 422 = 422;
  for (const [i, a] of rows.entries()) {
    const who = a.suggestedTeacherName ? `${a.suggestedTeacherName}，` : '';
    const row = `第 ${i + 1} 行（${who}${a.supplierName} → ${a.schoolName}）`;
    const rowEn = `Row ${i + 1} (${a.suggestedTeacherName ? `${a.suggestedTeacherName}, ` : ''}${a.supplierName} → ${a.schoolName})`;
    if (a.suggestedTeacherId == null) {
      issues.push(
        fieldIssue(`body.rows.${i}`, 'no_teacher', `${row}：派出学校没有可派教师`, `${rowEn}: no teacher to send`),
      );
      continue;
    }
    const choice: ExchangeRowChoice = { ...all, ...choiceOf.get(i) };
    const kind = choice.kind ?? a.kind;
    const workload = choice.workload ?? (PART_TIME_KINDS.includes(kind) ? 'part_time' : 'full_time');
    const days = Math.min(5, Math.max(1, a.slots));
    try {
      const created = await register.create(caller, {
        teacherId: a.suggestedTeacherId,
        kind,
        toSchoolId: a.schoolId,
        startDate,
        endDate: choice.endDate ?? defaultEnd,
        workload,
        partTimeFraction:
          workload === 'part_time' ? (choice.partTimeFraction ?? Math.round((days / 5) * 100) / 100) : null,
        status: 'planned',
        postHeld: choice.postHeld ?? null,
        overrideReason: null,
        note: `由交流规划方案 #${planId} 生成 / from exchange plan #${planId}`,
        // 走教 needs a weekly timetable: the plan's days, Monday on, in the afternoon; editable in the register
        slots:
          kind === 'itinerant'
            ? Array.from({ length: days }, (_, d) => ({
                weekday: d + 1,
                startTime: '14:00',
                endTime: '15:40',
                subject: a.subject,
                className: null,
              }))
            : [],
      });
      posted.push({ id: created.id, kind });
    } catch (e) {
      // a rule refusal is the row's conflict; anything else (a database failure) aborts at once
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      if (e.status === 409) status = 409;
      const reason = (e.params as { reason?: string; reasonEn?: string }) ?? {};
      const first = e.details[0];
      issues.push(
        fieldIssue(
          `body.rows.${i}`,
          first?.code ?? e.code,
          `${row}：${first?.message ?? reason.reason ?? e.code}`,
          `${rowEn}: ${first?.messageEn ?? reason.reasonEn ?? e.code}`,
        ),
      );
    }
  }
  if (issues.length)
    throw ruleViolation(
      status,
      `方案中有 ${issues.length} 行不能登记为交流安排，整个方案未采纳`,
      `${issues.length} row(s) cannot be entered in the exchange register; the plan was not accepted`,
      issues,
    );
  return posted;
}
