import type { Bilingual, Infeasibility } from '../../../shared/planner.schemas.js';
import type { Ineligible } from './pairing.rules.js';

/**
 * Words an infeasible instance: why no pairing exists and which constraint to relax. Names are
 * quoted so the administrator can find the schools; long lists are cut to the first few.
 */

const list = (names: string[], max = 6, sepZh = '、', sepEn = ', ') => {
  const shown = names.slice(0, max);
  const more = names.length - shown.length;
  return {
    zh: shown.join(sepZh) + (more > 0 ? ' 等' : ''),
    en: shown.join(sepEn) + (more > 0 ? ` and ${more} more` : ''),
  };
};

const RELAX: Record<string, Bilingual> = {
  capacity: {
    zh: '提高核心校容量（1+X 中的 X）或增加核心校',
    en: 'Raise core capacities (the X of 1+X) or add core schools',
  },
  crossRegion: { zh: '允许跨区域结对（山海协作）', en: 'Allow cross-region pairs (mountain–sea cooperation)' },
  sameLevel: {
    zh: '取消“同学段结对”限制（九年一贯制学校可跨学段）',
    en: 'Drop the same-level rule (nine-year schools can pair across stages)',
  },
  distance: { zh: '放宽最远结对距离', en: 'Raise the maximum pairing distance' },
  forbidden: { zh: '撤销部分禁止结对设置', en: 'Remove some forbidden pairs' },
  locks: { zh: '撤销部分锁定结对', en: 'Unlock some locked pairs' },
  timeLimit: {
    zh: '延长求解时限，或改用基本模型（每校需求为 1）',
    en: 'Allow a longer time limit, or use the basic model (every demand 1)',
  },
};

export function capacityShort(members: number, capacity: number, memberIds: string[]): Infeasibility {
  return {
    code: 'capacity_short',
    memberIds,
    coreIds: [],
    shortBy: members - capacity,
    message: {
      zh: `待结对学校 ${members} 所，核心校总容量只有 ${capacity}，还差 ${members - capacity} 个名额`,
      en: `${members} schools need a partner but the cores offer only ${capacity} places; ${members - capacity} short`,
    },
    relax: [RELAX.capacity!, RELAX.crossRegion!],
  };
}

export function demandShort(demand: number, capacity: number, memberIds: string[]): Infeasibility {
  return {
    code: 'capacity_short',
    memberIds,
    coreIds: [],
    shortBy: demand - capacity,
    message: {
      zh: `成员校帮扶需求合计 ${demand} 个单位，核心校可提供 ${capacity} 个，还差 ${demand - capacity}`,
      en: `Members need ${demand} support units in total but cores offer ${capacity}; ${demand - capacity} short`,
    },
    relax: [RELAX.capacity!],
  };
}

/** A member no core may take; `reasons` counts why each core was ruled out. */
export function unreachable(memberId: string, memberName: string, reasons: Record<Ineligible, number>): Infeasibility {
  const parts: { zh: string; en: string; relax: Bilingual }[] = [];
  if (reasons.level)
    parts.push({ zh: `${reasons.level} 所学段不同`, en: `${reasons.level} of another level`, relax: RELAX.sameLevel! });
  if (reasons.region)
    parts.push({
      zh: `${reasons.region} 所属其他区县`,
      en: `${reasons.region} in another county`,
      relax: RELAX.crossRegion!,
    });
  if (reasons.too_far)
    parts.push({
      zh: `${reasons.too_far} 所超出距离上限`,
      en: `${reasons.too_far} beyond the distance limit`,
      relax: RELAX.distance!,
    });
  if (reasons.forbidden)
    parts.push({ zh: `${reasons.forbidden} 所被禁止`, en: `${reasons.forbidden} forbidden`, relax: RELAX.forbidden! });
  return {
    code: 'member_unreachable',
    memberIds: [memberId],
    coreIds: [],
    shortBy: 1,
    message: {
      zh: `“${memberName}”没有任何可结对的核心校（${parts.map((p) => p.zh).join('，')}）`,
      en: `"${memberName}" cannot pair with any core (${parts.map((p) => p.en).join(', ')})`,
    },
    relax: parts.map((p) => p.relax),
  };
}

/** Hall's condition fails: these members can only use these cores, whose places are too few. */
export function hallViolation(
  members: { id: string; name: string }[],
  cores: { id: string; name: string }[],
  capacity: number,
  reasons: Partial<Record<Ineligible, number>>,
): Infeasibility {
  const m = list(members.map((x) => `“${x.name}”`));
  const c = list(cores.map((x) => `“${x.name}”`));
  const relax: Bilingual[] = [{ zh: `提高 ${c.zh} 的容量`, en: `Raise the capacity of ${c.en}` }];
  if (reasons.region) relax.push(RELAX.crossRegion!);
  if (reasons.level) relax.push(RELAX.sameLevel!);
  if (reasons.too_far) relax.push(RELAX.distance!);
  if (reasons.forbidden) relax.push(RELAX.forbidden!);
  return {
    code: 'hall_violation',
    memberIds: members.map((x) => x.id),
    coreIds: cores.map((x) => x.id),
    shortBy: members.length - capacity,
    message: {
      zh: `${m.zh}（共 ${members.length} 所）只能与 ${c.zh} 结对，这些核心校合计只有 ${capacity} 个名额`,
      en: `${members.length} schools (${m.en}) can only pair with ${c.en}, which offer ${capacity} places in total`,
    },
    relax,
  };
}

export function lockedOverCapacity(
  core: { id: string; name: string },
  locked: string[],
  capacity: number,
): Infeasibility {
  return {
    code: 'locked_over_capacity',
    memberIds: locked,
    coreIds: [core.id],
    shortBy: locked.length - capacity,
    message: {
      zh: `“${core.name}”锁定了 ${locked.length} 所成员校，但容量只有 ${capacity}`,
      en: `${locked.length} members are locked to "${core.name}" but its capacity is ${capacity}`,
    },
    relax: [{ zh: `提高“${core.name}”的容量`, en: `Raise the capacity of "${core.name}"` }, RELAX.locks!],
  };
}

export function mipInfeasible(timeLimited: boolean, memberIds: string[]): Infeasibility {
  return timeLimited
    ? {
        code: 'time_limit',
        memberIds,
        coreIds: [],
        shortBy: 0,
        message: { zh: '在求解时限内未找到可行方案', en: 'No feasible pairing was found within the time limit' },
        relax: [RELAX.timeLimit!, RELAX.capacity!],
      }
    : {
        code: 'mip_infeasible',
        memberIds,
        coreIds: [],
        shortBy: 0,
        message: {
          zh: '各成员校的帮扶需求无法装入核心校容量（总量够，但无法整校分配）',
          en: "The members' demands cannot be packed into the cores' capacities (enough in total, but not school by school)",
        },
        relax: [RELAX.capacity!, RELAX.crossRegion!, RELAX.forbidden!],
      };
}

export function demandExceeds(member: { id: string; name: string }, demand: number, best: number): Infeasibility {
  return {
    code: 'demand_exceeds_capacity',
    memberIds: [member.id],
    coreIds: [],
    shortBy: demand - best,
    message: {
      zh: `“${member.name}”需要 ${demand} 个帮扶单位，可结对的核心校容量最大只有 ${best}`,
      en: `"${member.name}" needs ${demand} support units but no eligible core offers more than ${best}`,
    },
    relax: [RELAX.capacity!, RELAX.crossRegion!],
  };
}
