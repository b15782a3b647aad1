import { Breadcrumb } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';

/** The pages above a detail page, by its route: label (i18n key) and where it leads. */
const PARENTS: { route: RegExp; parents: { label: string; to: string }[] }[] = [
  { route: /^\/communities\/\d+$/, parents: [{ label: 'common:nav.communities', to: '/communities' }] },
  { route: /^\/schools\/\d+$/, parents: [{ label: 'common:nav.schools', to: '/schools' }] },
  { route: /^\/meetings\/\d+$/, parents: [{ label: 'meetings:nav', to: '/meetings' }] },
  { route: /^\/resources\/\d+$/, parents: [{ label: 'resources:nav.library', to: '/resources' }] },
  { route: /^\/shared-courses\/\d+$/, parents: [{ label: 'resources:nav.courses', to: '/shared-courses' }] },
  {
    route: /^\/assessment\/schemes\/\d+$/,
    parents: [
      { label: 'assessment:nav', to: '/assessment' },
      { label: 'assessment:schemes', to: '/assessment/schemes' },
    ],
  },
  { route: /^\/assessment\/evaluations\/\d+$/, parents: [{ label: 'assessment:nav', to: '/assessment' }] },
];

/**
 * 首页 / 教共体 / … above a detail page's heading, from the route alone (PageHeader renders it), so
 * every detail page gets the same way back. The heading itself is the current page.
 */
export function RouteBreadcrumb() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const match = PARENTS.find((p) => p.route.test(pathname));
  if (!match) return null;
  return (
    <Breadcrumb
      data-testid="breadcrumb"
      style={{ marginBottom: 4 }}
      items={[{ label: 'common:nav.home', to: '/' }, ...match.parents].map((p) => ({
        key: p.to,
        title: <Link to={p.to}>{t(p.label)}</Link>,
      }))}
    />
  );
}
