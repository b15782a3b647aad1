/**
 * Error and notice texts by stable code. The server sends {code, params}; both sides word them
 * with this catalogue, Chinese first. Placeholders are {name}.
 */
import { IDENTITY_MESSAGES } from './identity.messages.js';

export const MESSAGES = {
  ...IDENTITY_MESSAGES,
  bad_request: { zh: '请求有误：{reason}', en: 'Bad request: {reasonEn}' },
  validation_failed: { zh: '提交的数据有误，请按提示修改', en: 'Some fields are invalid; see the details' },
  /** The same words for fields that pass the schema but break a rule (422), e.g. an unknown reference. */
  invalid_fields: { zh: '提交的数据有误，请按提示修改', en: 'Some fields are invalid; see the details' },
  malformed_json: { zh: '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  unauthenticated: { zh: '请先登录', en: 'Please sign in' },
  invalid_credentials: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  too_many_attempts: {
    zh: '登录失败次数过多，请 {wait} 后再试',
    en: 'Too many failed sign-ins; try again in {waitEn}',
  },
  account_locked: {
    zh: '该账户因多次登录失败已被锁定，请联系管理员解锁',
    en: 'This account is locked after repeated failed sign-ins; ask an administrator to unlock it',
  },
  not_locked: { zh: '该账户未被锁定', en: 'This account is not locked' },
  password_change_required: {
    zh: '管理员已重置您的密码，请先修改密码',
    en: 'An administrator reset your password; change it before continuing',
  },
  display_link_invalid: {
    zh: '此大屏链接已失效（已停用、已过期，或创建人已无相应权限）',
    en: 'This display link no longer works (revoked, expired, or its creator lost the rights it needs)',
  },
  forbidden: { zh: '您没有权限执行此操作', en: 'You are not allowed to do this' },
  cross_origin_request: {
    zh: '已拒绝来自其他网站的请求：修改数据的操作只能在共进自己的页面中进行（来源 {origin}）',
    en: "Request from another site refused: changes can only be made from Gongjin's own pages (origin {origin})",
  },
  out_of_scope: { zh: '该{entity}不在您的管理范围内', en: 'This {entityEn} is outside your scope' },
  not_found: { zh: '找不到{entity}（{id}）', en: '{entityEn} {id} was not found' },
  route_not_found: { zh: '接口不存在：{method} {url}', en: 'No such endpoint: {method} {url}' },
  duplicate: { zh: '{field}“{value}”已存在', en: '{fieldEn} "{value}" already exists' },
  unknown_reference: { zh: '{field}“{value}”不存在', en: '{fieldEn} "{value}" does not exist' },
  conflict: { zh: '操作冲突：{reason}', en: 'Conflict: {reason}' },
  in_use: {
    zh: '该{entity}仍被引用（{reason}），无法删除',
    en: 'This {entityEn} is still referenced ({reasonEn}) and cannot be deleted',
  },
  membership_overlap: {
    zh: '学校“{school}”在 {start} 起已是该教共体成员，时间段不能重叠',
    en: 'School "{school}" is already a member of this community from {start}; periods cannot overlap',
  },
  file_too_large: { zh: '文件过大（上限 {limitMb} MB）', en: 'File too large (limit {limitMb} MB)' },
  unsupported_file: {
    zh: '不支持的文件类型：{name}，请上传 .xlsx 或 .csv 文件',
    en: 'Unsupported file {name}; upload an .xlsx or .csv file',
  },
  spreadsheet_invalid: { zh: '表格无法读取：{reason}', en: 'The spreadsheet cannot be read: {reasonEn}' },
  import_has_errors: {
    zh: '文件中有 {count} 行错误，请修改后重新上传',
    en: 'The file has {count} bad rows; fix them and upload again',
  },
  import_state: { zh: '该导入任务状态为“{status}”，不能提交', en: 'This import is {status} and cannot be committed' },
  /** A module rule the input breaks, worded by the module in both languages (422). */
  rule_violation: { zh: '{reason}', en: '{reasonEn}' },
  /** A module rule the current state forbids (e.g. a double-booked teacher, signing twice), worded by the module (409). */
  state_conflict: { zh: '{reason}', en: '{reasonEn}' },
  /** Nothing to show for what was asked, worded by the module when it is not one record by id (404). */
  nothing_found: { zh: '{reason}', en: '{reasonEn}' },
  /** The caller's role may not do this, worded by the module (403). */
  not_permitted: { zh: '{reason}', en: '{reasonEn}' },
  /** A body or chunk larger than the module accepts, worded by the module (413). */
  payload_too_large: { zh: '{reason}', en: '{reasonEn}' },
  /** A file or content type the module does not take, worded by the module (415). */
  unsupported_media_type: { zh: '{reason}', en: '{reasonEn}' },
  /** This instance cannot serve yet: the database does not answer or migrations are pending (503). */
  not_ready: { zh: '服务尚未就绪：{reason}', en: 'Not ready: {reasonEn}' },
  internal: {
    zh: '服务器内部错误，请稍后重试（编号 {requestId}）',
    en: 'Internal error; please retry (request {requestId})',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type MessageCode = keyof typeof MESSAGES;
export type Lang = 'zh' | 'en';

export function formatMessage(code: string, params: Record<string, unknown> = {}, lang: Lang = 'zh'): string {
  const entry = (MESSAGES as Record<string, { zh: string; en: string }>)[code];
  const template = entry ? entry[lang] : code;
  // an English variant not given (`reasonEn`) falls back to the shared one (`reason`)
  const value = (k: string) => params[k] ?? (k.endsWith('En') ? params[k.slice(0, -2)] : undefined);
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (value(k) === undefined ? `{${k}}` : String(value(k))));
}

/** Entity names used in messages (out_of_scope, not_found …). */
export const ENTITY_LABELS: Record<string, { zh: string; en: string }> = {
  region: { zh: '行政区划', en: 'region' },
  school: { zh: '学校', en: 'school' },
  teacher: { zh: '教师', en: 'teacher' },
  community: { zh: '教共体', en: 'community' },
  membership: { zh: '成员关系', en: 'membership' },
  leadership_member: { zh: '领导小组成员', en: 'leadership member' },
  school_year_stats: { zh: '学校年报', en: 'annual school statistics' },
  user: { zh: '用户', en: 'user' },
  import_job: { zh: '导入任务', en: 'import job' },
  meeting: { zh: '会议', en: 'meeting' },
  planner_plan: { zh: '规划方案', en: 'plan' },
};
