import type { EvidenceLink } from '../../../shared/assessment.schemas.js';
import type { Db } from '../../db/connection.js';
import { ValidationError, fieldIssue } from '../../http/errors.js';
import { activityForCommunity } from '../activities/index.js';
import { assignmentForCommunity } from '../exchange/index.js';
import { meetingForCommunity } from '../meetings/index.js';
import { resourceForCommunity } from '../resources/index.js';

type Check = (db: Db, id: number, communityId: number) => Promise<'own' | 'other' | 'missing'>;

/**
 * Evidence picked from the archive links to a record's page in the web app; these are the internal
 * record paths and the module that says whether the record is the evaluated community's (or
 * visible to it). Any other link (an external page, another part of the app) is taken as typed.
 */
const RECORD_PATHS: { pattern: RegExp; zh: string; en: string; check: Check }[] = [
  { pattern: /^\/activities\/(\d+)\/?$/, zh: '活动', en: 'activity', check: activityForCommunity },
  { pattern: /^\/meetings\/(\d+)\/?$/, zh: '联席会议', en: 'meeting', check: meetingForCommunity },
  { pattern: /^\/resources\/(\d+)\/?$/, zh: '资源', en: 'resource', check: resourceForCommunity },
  {
    pattern: /^\/exchange\?assignment=(\d+)$/,
    zh: '教师交流',
    en: 'exchange assignment',
    check: assignmentForCommunity,
  },
];

/** Refuses (422) evidence linking to a record that does not exist or is not the community's. */
export async function checkEvidence(db: Db, communityId: number, evidence: EvidenceLink[]): Promise<void> {
  const issues = [];
  for (const [i, link] of evidence.entries()) {
    for (const p of RECORD_PATHS) {
      const m = p.pattern.exec(link.url);
      if (!m) continue;
      const id = Number(m[1]);
      const found = Number.isSafeInteger(id) && id <= 2147483647 ? await p.check(db, id, communityId) : 'missing';
      if (found === 'missing') {
        issues.push(
          fieldIssue(
            `body.evidence.${i}.url`,
            'evidence_not_found',
            `证据“${link.label}”（${link.url}）指向的${p.zh}不存在`,
            `Evidence "${link.label}" (${link.url}) points to an ${p.en} that does not exist`,
          ),
        );
      } else if (found === 'other') {
        issues.push(
          fieldIssue(
            `body.evidence.${i}.url`,
            'evidence_out_of_community',
            `证据“${link.label}”（${link.url}）指向的${p.zh}不属于本教共体`,
            `Evidence "${link.label}" (${link.url}) points to an ${p.en} of another community`,
          ),
        );
      }
    }
  }
  if (issues.length) throw new ValidationError(issues);
}
