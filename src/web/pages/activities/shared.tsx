import { Segmented, Select, type SelectProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { semesterLabel, semesterOfDate, shanghaiDate } from '../../../shared/activities.semester';
import { useMe } from '../../api/auth';
import { useCommunity } from '../../api/registry';
import { CommunitySelect } from '../../components/RemoteSelect';

/** The module's four pages, as tabs that also work on a phone. */
export function ActivitiesNav() {
  const { t } = useTranslation('activities');
  const nav = useNavigate();
  const { pathname } = useLocation();
  const tabs = ['/activities', '/activities/calendar', '/activities/plans', '/activities/ledger'];
  const current = [...tabs].reverse().find((p) => pathname.startsWith(p)) ?? '/activities';
  return (
    <Segmented
      block
      style={{ marginBottom: 16, maxWidth: 560 }}
      value={current}
      onChange={(v) => nav(String(v))}
      options={[
        { value: '/activities', label: t('nav.log') },
        { value: '/activities/calendar', label: t('nav.calendar') },
        { value: '/activities/plans', label: t('nav.plans') },
        { value: '/activities/ledger', label: t('nav.ledger') },
      ]}
      data-testid="activities-nav"
    />
  );
}

/** The current term and the three before it. */
export function recentSemesters(today = shanghaiDate(new Date())): string[] {
  const cur = semesterOfDate(today) ?? `${Number(today.slice(0, 4))}-${Number(today.slice(0, 4)) + 1}-1`;
  const out = [cur];
  for (let i = 0; i < 3; i++) {
    const [a, b, n] = out[out.length - 1]!.split('-').map(Number) as [number, number, number];
    out.push(n === 2 ? `${a}-${b}-1` : `${a - 1}-${a}-2`);
  }
  return out;
}
export const currentSemester = () => recentSemesters()[0]!;

export function SemesterSelect(props: Omit<SelectProps, 'options'>) {
  const { i18n } = useTranslation();
  const lang = i18n.language === 'en-US' ? 'en' : 'zh';
  return <Select options={recentSemesters().map((s) => ({ value: s, label: semesterLabel(s, lang) }))} {...props} />;
}

/** The community a community lead works in (their scope), to preselect it. */
export function useOwnCommunityId(): number | undefined {
  const { data } = useMe();
  const me = data as { scope?: { kind: string; id: string } } | undefined;
  return me?.scope?.kind === 'community' ? Number(me.scope.id) : undefined;
}

export const isPhone = () => typeof window !== 'undefined' && window.innerWidth < 640;

/** A community picker that names the preselected (own) community before the option list loads. */
export function ScopedCommunitySelect(props: Parameters<typeof CommunitySelect>[0]) {
  const id = typeof props.value === 'number' ? props.value : undefined;
  const { data } = useCommunity(id);
  return <CommunitySelect initialOptions={data ? [{ value: data.id, label: data.name }] : undefined} {...props} />;
}
