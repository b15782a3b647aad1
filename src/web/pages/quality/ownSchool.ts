import { useMe } from '../../api/auth';

/**
 * The school whose students the signed-in user may see by name (school admins and teachers of that
 * school), or null. Only decides which links to offer: the server enforces the rule.
 */
export function useOwnStudentSchool(): number | null {
  const { data: me } = useMe();
  if (!me || me.scope.kind !== 'school' || (me.role !== 'school_admin' && me.role !== 'teacher')) return null;
  return Number(me.scope.id);
}
