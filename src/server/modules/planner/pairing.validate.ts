import type { PairingInstance, PairingSettings } from '../../../shared/planner.schemas.js';
import { fieldIssue, type FieldIssue } from '../../http/errors.js';

/**
 * Checks what zod cannot: references between parts of an instance (locks, forbidden pairs,
 * capacity overrides, the travel matrix) and duplicate ids. Returns every issue at once.
 */
export function checkInstance(instance: PairingInstance, settings: PairingSettings, prefix = 'body'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const coreIds = new Set<string>();
  instance.cores.forEach((c, i) => {
    if (coreIds.has(c.id))
      issues.push(
        fieldIssue(
          `${prefix}.instance.cores.${i}.id`,
          'duplicate',
          `核心校编号“${c.id}”重复`,
          `Core id ${c.id} is listed twice`,
        ),
      );
    coreIds.add(c.id);
  });
  const memberIds = new Set<string>();
  instance.members.forEach((m, i) => {
    if (memberIds.has(m.id) || coreIds.has(m.id))
      issues.push(
        fieldIssue(
          `${prefix}.instance.members.${i}.id`,
          'duplicate',
          `学校编号“${m.id}”重复`,
          `School id ${m.id} is listed twice`,
        ),
      );
    memberIds.add(m.id);
  });
  // tree mode: a village's "core" is a township centre, itself a member
  const centreIds = new Set(
    settings.mode === 'tree' ? instance.members.filter((m) => m.kind !== 'village').map((m) => m.id) : [],
  );
  const isCoreFor = (memberId: string, coreId: string) => {
    const m = instance.members.find((x) => x.id === memberId);
    return settings.mode === 'tree' && m?.kind === 'village' ? centreIds.has(coreId) : coreIds.has(coreId);
  };
  instance.members.forEach((m, i) => {
    if (m.currentCoreId && !coreIds.has(m.currentCoreId) && !centreIds.has(m.currentCoreId)) {
      issues.push(
        fieldIssue(
          `${prefix}.instance.members.${i}.currentCoreId`,
          'unknown_reference',
          `现结对核心校“${m.currentCoreId}”不在实例中`,
          `Current core ${m.currentCoreId} is not in the instance`,
        ),
      );
    }
  });

  const locked = new Map<string, string>();
  settings.locks.forEach((l, i) => {
    if (!memberIds.has(l.memberId))
      issues.push(
        fieldIssue(
          `${prefix}.settings.locks.${i}.memberId`,
          'unknown_reference',
          `成员校“${l.memberId}”不存在`,
          `Member ${l.memberId} does not exist`,
        ),
      );
    else if (!isCoreFor(l.memberId, l.coreId))
      issues.push(
        fieldIssue(
          `${prefix}.settings.locks.${i}.coreId`,
          'unknown_reference',
          `核心校“${l.coreId}”不存在`,
          `Core ${l.coreId} does not exist`,
        ),
      );
    else if (locked.has(l.memberId) && locked.get(l.memberId) !== l.coreId) {
      issues.push(
        fieldIssue(
          `${prefix}.settings.locks.${i}`,
          'conflict',
          `成员校“${l.memberId}”被锁定到两所核心校`,
          `Member ${l.memberId} is locked to two cores`,
        ),
      );
    }
    locked.set(l.memberId, l.coreId);
  });
  settings.forbidden.forEach((f, i) => {
    if (!memberIds.has(f.memberId))
      issues.push(
        fieldIssue(
          `${prefix}.settings.forbidden.${i}.memberId`,
          'unknown_reference',
          `成员校“${f.memberId}”不存在`,
          `Member ${f.memberId} does not exist`,
        ),
      );
    else if (!isCoreFor(f.memberId, f.coreId))
      issues.push(
        fieldIssue(
          `${prefix}.settings.forbidden.${i}.coreId`,
          'unknown_reference',
          `核心校“${f.coreId}”不存在`,
          `Core ${f.coreId} does not exist`,
        ),
      );
    else if (locked.get(f.memberId) === f.coreId) {
      issues.push(
        fieldIssue(
          `${prefix}.settings.forbidden.${i}`,
          'lock_forbidden',
          `“${f.memberId} → ${f.coreId}”既被锁定又被禁止`,
          `Pair ${f.memberId} → ${f.coreId} is both locked and forbidden`,
        ),
      );
    }
  });
  for (const id of Object.keys(settings.capacities)) {
    if (!coreIds.has(id) && !centreIds.has(id))
      issues.push(
        fieldIssue(
          `${prefix}.settings.capacities.${id}`,
          'unknown_reference',
          `核心校“${id}”不存在`,
          `Core ${id} does not exist`,
        ),
      );
  }

  const seenLoads = new Set<string>();
  (instance.pairLoads ?? []).forEach((l, i) => {
    const where = `${prefix}.instance.pairLoads.${i}`;
    if (settings.model !== 'gap') {
      if (i === 0)
        issues.push(
          fieldIssue(
            `${prefix}.instance.pairLoads`,
            'needs_gap_model',
            '按结对设定帮扶量需使用“广义指派”模型（settings.model = gap）',
            'Per-pair loads need the generalised assignment model (settings.model = gap)',
          ),
        );
      return;
    }
    if (!memberIds.has(l.memberId))
      issues.push(
        fieldIssue(
          `${where}.memberId`,
          'unknown_reference',
          `成员校“${l.memberId}”不存在`,
          `Member ${l.memberId} does not exist`,
        ),
      );
    else if (!isCoreFor(l.memberId, l.coreId))
      issues.push(
        fieldIssue(
          `${where}.coreId`,
          'unknown_reference',
          `核心校“${l.coreId}”不存在`,
          `Core ${l.coreId} does not exist`,
        ),
      );
    else if (seenLoads.has(`${l.memberId}\u0000${l.coreId}`))
      issues.push(
        fieldIssue(
          where,
          'duplicate',
          `“${l.memberId} → ${l.coreId}”的帮扶量重复给出`,
          `Load for ${l.memberId} → ${l.coreId} is given twice`,
        ),
      );
    seenLoads.add(`${l.memberId}\u0000${l.coreId}`);
  });

  const matrix = instance.travelMatrix;
  if (matrix) {
    const where = `${prefix}.instance.travelMatrix`;
    if (matrix.minutes.length !== matrix.memberIds.length) {
      issues.push(
        fieldIssue(
          `${where}.minutes`,
          'shape',
          `通行时间表应有 ${matrix.memberIds.length} 行，实际 ${matrix.minutes.length} 行`,
          `Expected ${matrix.memberIds.length} rows, got ${matrix.minutes.length}`,
        ),
      );
    }
    const rows = new Set(matrix.memberIds);
    const cols = new Set(matrix.coreIds);
    const targets = settings.mode === 'tree' ? [...coreIds, ...centreIds] : [...coreIds];
    const missingRows = [...memberIds].filter((id) => !rows.has(id));
    const missingCols = targets.filter((id) => !cols.has(id));
    if (missingRows.length)
      issues.push(
        fieldIssue(
          `${where}.memberIds`,
          'missing',
          `通行时间表缺少成员校：${missingRows.slice(0, 10).join('、')}`,
          `Travel matrix lacks members: ${missingRows.slice(0, 10).join(', ')}`,
        ),
      );
    if (missingCols.length)
      issues.push(
        fieldIssue(
          `${where}.coreIds`,
          'missing',
          `通行时间表缺少核心校：${missingCols.slice(0, 10).join('、')}`,
          `Travel matrix lacks cores: ${missingCols.slice(0, 10).join(', ')}`,
        ),
      );
    const holes: string[] = [];
    matrix.minutes.forEach((row, i) => {
      if (row.length !== matrix.coreIds.length) {
        holes.push(`${matrix.memberIds[i] ?? i}: ${row.length}/${matrix.coreIds.length}`);
        return;
      }
      row.forEach((v, j) => {
        if (v === null) holes.push(`${matrix.memberIds[i]} → ${matrix.coreIds[j]}`);
      });
    });
    if (holes.length) {
      issues.push(
        fieldIssue(
          `${where}.minutes`,
          'missing_cells',
          `通行时间表有 ${holes.length} 个空格（如 ${holes.slice(0, 5).join('；')}），请补全或将该组合列为禁止`,
          `The travel matrix has ${holes.length} missing cells (e.g. ${holes.slice(0, 5).join('; ')}); fill them or forbid those pairs`,
        ),
      );
    }
  }
  return issues;
}
