import { z } from 'zod';

/** Separator between the Chinese and English text of a custom validation message. */
const SEP = '\u241F';

/** A custom zod message in both languages: `.refine(fn, { message: bi('…', '…') })`. */
export function bi(zh: string, en: string): string {
  return `${zh}${SEP}${en}`;
}

const typeNames: Record<string, { zh: string; en: string }> = {
  string: { zh: '文本', en: 'text' },
  number: { zh: '数字', en: 'a number' },
  int: { zh: '整数', en: 'a whole number' },
  boolean: { zh: '是/否', en: 'true or false' },
  array: { zh: '列表', en: 'a list' },
  object: { zh: '对象', en: 'an object' },
  date: { zh: '日期', en: 'a date' },
};

type Issue = z.core.$ZodIssue;

/** Words a zod issue for users, in Chinese and English; custom `bi()` messages pass through. */
export function describeIssue(issue: Issue): { zh: string; en: string } {
  if (issue.message.includes(SEP)) {
    const [zh = '', en = ''] = issue.message.split(SEP);
    return { zh, en };
  }
  switch (issue.code) {
    case 'invalid_type': {
      const t = typeNames[issue.expected] ?? { zh: issue.expected, en: issue.expected };
      // zod reports a missing field as invalid_type with input undefined
      if ((issue as { input?: unknown }).input === undefined && /received undefined/.test(issue.message)) {
        return { zh: '必填', en: 'Required' };
      }
      return { zh: `应为${t.zh}`, en: `Must be ${t.en}` };
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') {
        return issue.minimum === 1
          ? { zh: '不能为空', en: 'Must not be empty' }
          : { zh: `至少 ${min} 个字符`, en: `At least ${min} characters` };
      }
      if (issue.origin === 'array') return { zh: `至少选择 ${min} 项`, en: `Choose at least ${min}` };
      return issue.inclusive
        ? { zh: `不能小于 ${min}`, en: `Must be at least ${min}` }
        : { zh: `必须大于 ${min}`, en: `Must be greater than ${min}` };
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return { zh: `不能超过 ${max} 个字符`, en: `At most ${max} characters` };
      if (issue.origin === 'array') return { zh: `最多 ${max} 项`, en: `At most ${max} items` };
      return issue.inclusive
        ? { zh: `不能大于 ${max}`, en: `Must be at most ${max}` }
        : { zh: `必须小于 ${max}`, en: `Must be less than ${max}` };
    }
    case 'invalid_value':
      return {
        zh: `取值无效，可选：${issue.values.map(String).join('、')}`,
        en: `Invalid value; expected one of ${issue.values.map(String).join(', ')}`,
      };
    case 'invalid_format':
      if (issue.format === 'regex') return { zh: '格式不正确', en: 'Wrong format' };
      if (issue.format === 'date') return { zh: '应为日期，格式 YYYY-MM-DD', en: 'Must be a date (YYYY-MM-DD)' };
      return { zh: `格式不正确（${issue.format}）`, en: `Invalid ${issue.format}` };
    case 'unrecognized_keys':
      return { zh: `不认识的字段：${issue.keys.join('、')}`, en: `Unknown fields: ${issue.keys.join(', ')}` };
    default:
      return { zh: issue.message, en: issue.message };
  }
}

/** A date string 'YYYY-MM-DD' that is a real calendar date. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: bi('日期格式应为 YYYY-MM-DD', 'Date must be YYYY-MM-DD') })
  .refine(
    (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    },
    { message: bi('不是有效日期', 'Not a real date') },
  );

/** Paging query shared by every list endpoint. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(20),
  /** count every matching row even when there are many (a large list otherwise gives an estimate) */
  exactTotal: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
});

/**
 * One page of a list. `totalExact: false` marks `total` as an estimate (a list past the exact-count
 * cap, see server/db/totals.ts); absent or true, `total` is exact.
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), totalExact: z.boolean().optional() });
}

/** Query-string booleans: "true"/"1" and "false"/"0". */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Comma-separated list in a query string, or a repeated parameter (items may coerce, e.g. ids). */
export function queryList<T extends z.ZodType>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item) as unknown as z.ZodType<z.output<T>[], string[]>);
}

/**
 * The PATCH form of a create schema: every field optional and *without* its default, so a patch
 * that omits a field leaves it alone (zod's `.partial()` would still fill defaults in).
 */
export function patchOf<S extends z.ZodObject>(schema: S): ReturnType<S['partial']> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
    shape[key] = inner.optional();
  }
  return z.object(shape) as unknown as ReturnType<S['partial']>;
}
