import { paged } from '../../db/paging.js';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ConflictError, ValidationError, fieldIssue, type FieldIssue } from '../../http/errors.js';
import {
  supportInput,
  type SupportEntry,
  type SupportTotals,
  type supportListQuery,
} from '../../../shared/activities.schemas.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { describeIssue } from '../../../shared/validation.js';
import { recordAudit } from '../audit/index.js';
import { visibleCommunityCondition } from '../registry/index.js';
import { notFound, outOfScope } from './activities.errors.js';
import { activitiesPolicy } from './activities.policy.js';
import * as repo from './activities.repo.js';
import { discard, inspectFile, storeFile } from './evidence.files.js';

type Input = z.infer<typeof supportInput>;
type ListQuery = z.infer<typeof supportListQuery>;
type Filters = Omit<ListQuery, 'page' | 'pageSize'>;

/** School year of a date column (September starts it), in SQL. */
const SCHOOL_YEAR = sql<number>`(extract(year from l.given_on)::int - case when extract(month from l.given_on) < 9 then 1 else 0 end)`;

/** 资源共用: money and goods given to member schools, with evidence and totals. */
export class LedgerService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
  ) {}

  private base(actor: Actor, q: Filters) {
    let query = this.db.selectFrom('support_ledger as l').where(visibleCommunityCondition(actor, 'l.community_id'));
    if (q.communityId) query = query.where('l.community_id', '=', q.communityId);
    if (q.schoolId) query = query.where('l.recipient_school_id', '=', q.schoolId);
    if (q.schoolYear) query = query.where(SCHOOL_YEAR, '=', q.schoolYear);
    if (q.category?.length) query = query.where('l.category', 'in', q.category);
    return query;
  }

  async list(actor: Actor, q: ListQuery): Promise<{ items: SupportEntry[]; total: number }> {
    const base = this.base(actor, q);
    const [rows, count] = await Promise.all([
      this.withNames(base).orderBy('l.given_on', 'desc').orderBy('l.id', 'desc').$call(paged(q)).execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toEntry), total: count.n };
  }

  private withNames(q: ReturnType<LedgerService['base']>) {
    return q
      .innerJoin('communities as c', 'c.id', 'l.community_id')
      .innerJoin('schools as rs', 'rs.id', 'l.recipient_school_id')
      .leftJoin('schools as ds', 'ds.id', 'l.donor_school_id')
      .selectAll('l')
      .select(['c.name as community_name', 'rs.name as recipient_name', 'ds.name as donor_school_name']);
  }

  async get(actor: Actor, id: number): Promise<SupportEntry> {
    const row = await this.withNames(this.base(actor, {})).where('l.id', '=', id).executeTakeFirst();
    if (!row) {
      if (await this.db.selectFrom('support_ledger').select('id').where('id', '=', id).executeTakeFirst())
        throw outOfScope('support_entry');
      throw notFound('support_entry', id);
    }
    return toEntry(row);
  }

  private async writable(
    caller: Caller,
    input: Pick<Input, 'communityId' | 'recipientSchoolId' | 'donorSchoolId' | 'givenOn'>,
  ) {
    const c = await repo.communityAccess(this.db, caller.actor, input.communityId, input.givenOn);
    if (!c)
      throw new ValidationError([
        fieldIssue(
          'body.communityId',
          'unknown_reference',
          `教共体 ${input.communityId} 不存在`,
          `Community ${input.communityId} does not exist`,
        ),
      ]);
    if (!activitiesPolicy.ledger(caller.actor, c)) throw outOfScope('community');
    const issues: FieldIssue[] = [];
    if (!c.memberSchoolIds.includes(input.recipientSchoolId)) {
      issues.push(
        fieldIssue(
          'body.recipientSchoolId',
          'not_member',
          `受助学校在 ${input.givenOn} 不是“${c.name}”的成员校`,
          `The receiving school is not a member of ${c.name} on ${input.givenOn}`,
        ),
      );
    }
    if (input.donorSchoolId != null && !c.memberSchoolIds.includes(input.donorSchoolId)) {
      issues.push(
        fieldIssue(
          'body.donorSchoolId',
          'not_member',
          `捐赠学校不是“${c.name}”的成员校`,
          `The giving school is not a member of ${c.name}`,
        ),
      );
    }
    if (issues.length) throw new ValidationError(issues);
    return c;
  }

  async create(caller: Caller, input: Input): Promise<SupportEntry> {
    await this.writable(caller, input);
    const id = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('support_ledger')
        .values({ ...toRow(input), created_by: caller.actor.userId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, { action: 'create', entity: 'support_entry', entityId: row.id, after: row });
      return row.id;
    });
    return this.get(caller.actor, id);
  }

  private async existingWritable(caller: Caller, id: number) {
    const existing = await this.db.selectFrom('support_ledger').selectAll().where('id', '=', id).executeTakeFirst();
    if (!existing) throw notFound('support_entry', id);
    const c = await repo.communityAccess(this.db, caller.actor, existing.community_id);
    if (!c || !activitiesPolicy.ledger(caller.actor, c)) throw outOfScope('support_entry');
    return existing;
  }

  /** Corrects an entry: the fields sent replace the stored ones, the others stay; the merged entry is checked whole. */
  async update(caller: Caller, id: number, patch: Partial<Input>): Promise<SupportEntry> {
    const existing = await this.existingWritable(caller, id);
    const stored = {
      communityId: existing.community_id,
      recipientSchoolId: existing.recipient_school_id,
      donorType: existing.donor_type,
      donorSchoolId: existing.donor_school_id,
      donorName: existing.donor_name,
      category: existing.category,
      item: existing.item,
      quantity: existing.quantity === null ? null : Number(existing.quantity),
      unit: existing.unit,
      valueYuan: Number(existing.value_yuan),
      givenOn: existing.given_on,
      note: existing.note,
    };
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const parsed = supportInput.safeParse({ ...stored, ...defined });
    if (!parsed.success)
      throw new ValidationError(
        parsed.error.issues.map((i) => {
          const d = describeIssue(i);
          return fieldIssue(`body.${i.path.join('.')}`, i.code, d.zh, d.en);
        }),
      );
    const input = parsed.data;
    if (input.communityId !== existing.community_id)
      throw new ValidationError([
        fieldIssue('body.communityId', 'immutable', '不能改到另一个教共体', 'Cannot move to another community'),
      ]);
    await this.writable(caller, input);
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('support_ledger')
        .set({ ...toRow(input), updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'update',
        entity: 'support_entry',
        entityId: id,
        before: existing,
        after: row,
      });
    });
    return this.get(caller.actor, id);
  }

  async remove(caller: Caller, id: number): Promise<void> {
    const existing = await this.existingWritable(caller, id);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('support_ledger').where('id', '=', id).execute();
      await recordAudit(tx, caller, { action: 'delete', entity: 'support_entry', entityId: id, before: existing });
    });
    // the evidence file stays: the audit entry refers to it
  }

  /** Evidence for an entry: checked by content; once attached it is not replaced (409). */
  async attachEvidence(caller: Caller, id: number, fileName: string, data: Buffer): Promise<SupportEntry> {
    const existing = await this.existingWritable(caller, id);
    if (existing.evidence_key) {
      throw new ConflictError(
        'conflict',
        { reason: '该记录已有佐证材料，更正请新增一条记录并删除原记录（操作留痕）' },
        [
          fieldIssue(
            'file',
            'evidence_exists',
            '已有佐证材料，不能覆盖',
            'Evidence is already attached and cannot be replaced',
          ),
        ],
      );
    }
    const inspected = await inspectFile(data, fileName);
    const stored = await storeFile(this.storage, `ledger/${id}`, data, inspected);
    try {
      await this.db.transaction().execute(async (tx) => {
        const done = await tx
          .updateTable('support_ledger')
          .set({
            evidence_key: stored.fileKey,
            evidence_name: fileName.slice(-200),
            evidence_mime: inspected.mime,
            evidence_size: data.length,
          })
          .where('id', '=', id)
          .where('evidence_key', 'is', null)
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) !== 1) throw new ConflictError('conflict', { reason: 'evidence exists' });
        await recordAudit(tx, caller, {
          action: 'attach_evidence',
          entity: 'support_entry',
          entityId: id,
          after: { fileKey: stored.fileKey, fileName },
        });
      });
    } catch (e) {
      await discard(this.storage, stored);
      throw e;
    }
    return this.get(caller.actor, id);
  }

  async openEvidence(actor: Actor, id: number) {
    await this.get(actor, id);
    const row = await this.db
      .selectFrom('support_ledger')
      .select(['evidence_key', 'evidence_name', 'evidence_mime'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (!row.evidence_key) throw notFound('attachment', `ledger/${id}`);
    return {
      stream: await this.storage.get(row.evidence_key),
      mime: row.evidence_mime ?? 'application/octet-stream',
      fileName: row.evidence_name ?? 'evidence',
    };
  }

  async totals(actor: Actor, q: Filters): Promise<SupportTotals> {
    const base = this.base(actor, q);
    const agg = [
      sql<number>`count(*)::int`.as('entries'),
      sql<number>`coalesce(sum(l.value_yuan), 0)`.as('valueYuan'),
    ] as const;
    const [total, byCommunity, bySchool, byYear, byCategory] = await Promise.all([
      base.select(agg).executeTakeFirstOrThrow(),
      base
        .innerJoin('communities as c', 'c.id', 'l.community_id')
        .select(['l.community_id as communityId', 'c.name as communityName', ...agg])
        .groupBy(['l.community_id', 'c.name'])
        .orderBy('valueYuan', 'desc')
        .execute(),
      base
        .innerJoin('schools as s', 's.id', 'l.recipient_school_id')
        .select(['l.recipient_school_id as schoolId', 's.name as schoolName', ...agg])
        .groupBy(['l.recipient_school_id', 's.name'])
        .orderBy('valueYuan', 'desc')
        .execute(),
      base
        .select([SCHOOL_YEAR.as('schoolYear'), ...agg])
        .groupBy(SCHOOL_YEAR)
        .orderBy(SCHOOL_YEAR)
        .execute(),
      base
        .select(['l.category as category', ...agg])
        .groupBy('l.category')
        .orderBy('l.category')
        .execute(),
    ]);
    return {
      total: { entries: total.entries, valueYuan: Number(total.valueYuan) },
      byCommunity: byCommunity.map((r) => ({ ...r, valueYuan: Number(r.valueYuan) })),
      bySchool: bySchool.map((r) => ({ ...r, valueYuan: Number(r.valueYuan) })),
      byYear: byYear.map((r) => ({
        schoolYear: Number(r.schoolYear),
        entries: r.entries,
        valueYuan: Number(r.valueYuan),
      })),
      byCategory: byCategory.map((r) => ({
        category: r.category as SupportTotals['byCategory'][number]['category'],
        entries: r.entries,
        valueYuan: Number(r.valueYuan),
      })),
    };
  }
}

function toRow(i: Input) {
  return {
    community_id: i.communityId,
    recipient_school_id: i.recipientSchoolId,
    donor_type: i.donorType,
    donor_school_id: i.donorSchoolId ?? null,
    donor_name: i.donorName ?? null,
    category: i.category,
    item: i.item,
    quantity: i.quantity ?? null,
    unit: i.unit ?? null,
    value_yuan: i.valueYuan,
    given_on: i.givenOn,
    note: i.note ?? null,
  };
}

type Row = Awaited<ReturnType<ReturnType<LedgerService['withNames']>['executeTakeFirstOrThrow']>>;
function toEntry(r: Row): SupportEntry {
  return {
    id: r.id,
    communityId: r.community_id,
    communityName: r.community_name,
    recipientSchoolId: r.recipient_school_id,
    recipientSchoolName: r.recipient_name,
    donorType: r.donor_type as SupportEntry['donorType'],
    donorSchoolId: r.donor_school_id,
    donorSchoolName: r.donor_school_name,
    donorName: r.donor_name,
    category: r.category as SupportEntry['category'],
    item: r.item,
    quantity: r.quantity === null ? null : Number(r.quantity),
    unit: r.unit,
    valueYuan: Number(r.value_yuan),
    givenOn: r.given_on,
    note: r.note,
    evidence: r.evidence_key
      ? { fileName: r.evidence_name ?? '', mimeType: r.evidence_mime ?? '', sizeBytes: r.evidence_size ?? 0 }
      : null,
    createdAt: r.created_at,
  };
}
