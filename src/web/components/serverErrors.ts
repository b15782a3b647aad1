import type { FormInstance } from 'antd';
import { ApiError, apiLanguage, type ErrorDetail } from '../api/client';

type NamePath = (string | number)[];

/**
 * Puts the server's field errors (details[].field like `body.members.0.schoolId`) onto the antd
 * form fields. `mapField` can redirect a path to a differently shaped form field (return null to
 * skip). Returns the messages that matched no field, for an alert in the form.
 */
export function applyServerErrors(
  form: FormInstance,
  err: unknown,
  mapField?: (path: NamePath, detail: ErrorDetail) => NamePath | null | undefined,
): string[] {
  if (!(err instanceof ApiError)) return [];
  const en = apiLanguage() === 'en';
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const unmatched: string[] = [];
  for (const d of err.body.details) {
    const text = en ? d.messageEn || d.message : d.message;
    const parts = d.field.split('.').filter(Boolean);
    if (parts[0] === 'body' || parts[0] === 'querystring' || parts[0] === 'params') parts.shift();
    let name: NamePath = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (mapField) {
      const mapped = mapField(name, d);
      if (mapped === null) {
        unmatched.push(text);
        continue;
      }
      if (mapped) name = mapped;
    }
    const exists = name.length > 0 && hasField(form, name);
    if (!exists) {
      unmatched.push(name.length ? `${name.join('.')}: ${text}` : text);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(text);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()].map(({ name, errors }) => ({ name, errors })));
  const first = byField.values().next().value;
  if (first) form.scrollToField(first.name);
  return unmatched;
}

function hasField(form: FormInstance, name: NamePath): boolean {
  const key = JSON.stringify(name);
  return form.getFieldsError().some((f) => JSON.stringify(f.name) === key);
}
