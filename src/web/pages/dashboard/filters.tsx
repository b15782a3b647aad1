import { Select, Space } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentSchoolYear } from '../../../shared/beijing-time';
import { LOCATION_CLASS_LABELS, SCHOOL_LEVEL_LABELS } from '../../../shared/enums';
import type { DashboardFilters } from '../../api/dashboard';
import { useLabels } from '../../components/labels';
import { useUrlState } from '../../components/useUrlState';

export { currentSchoolYear };

const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : undefined);

/** Dashboard filters kept in the URL, so a filtered view can be linked and survives a reload. */
export function useDashboardFilters() {
  const { state, set } = useUrlState();
  const filters = useMemo<DashboardFilters>(
    () => ({
      schoolYear: state.schoolYear ? Number(state.schoolYear) : undefined,
      semester: state.semester,
      level: list(state.level),
      locationClass: list(state.locationClass),
      region: state.region,
      communityId: state.communityId ? Number(state.communityId) : undefined,
      schoolId: state.schoolId ? Number(state.schoolId) : undefined,
    }),
    [state],
  );
  return {
    filters,
    set,
    search: new URLSearchParams(Object.entries(state).filter(([, v]) => v) as [string, string][]).toString(),
  };
}

export function FilterControls({
  filters,
  set,
}: {
  filters: DashboardFilters;
  set: ReturnType<typeof useDashboardFilters>['set'];
}) {
  const { t } = useTranslation('dashboard');
  const { options } = useLabels();
  const current = currentSchoolYear();
  const year = filters.schoolYear ?? current;
  const years = Array.from({ length: 6 }, (_, i) => current - i).map((y) => ({
    value: y,
    label: t('schoolYear', { from: y, to: y + 1 }),
  }));
  return (
    <Space wrap data-testid="dashboard-filters">
      <Select
        style={{ width: 160 }}
        value={year}
        options={years}
        onChange={(v: number) => set({ schoolYear: v, semester: null })}
        data-testid="filter-year"
      />
      <Select
        style={{ width: 140 }}
        value={filters.semester ?? ''}
        onChange={(v: string) => set({ semester: v || null, schoolYear: year })}
        options={[
          { value: '', label: t('wholeYear') },
          { value: `${year}-${year + 1}-1`, label: t('autumn') },
          { value: `${year}-${year + 1}-2`, label: t('spring') },
        ]}
        data-testid="filter-semester"
      />
      <Select
        mode="multiple"
        allowClear
        style={{ minWidth: 180 }}
        placeholder={t('allLevels')}
        value={filters.level ?? []}
        options={options(SCHOOL_LEVEL_LABELS)}
        onChange={(v: string[]) => set({ level: v })}
        data-testid="filter-level"
      />
      <Select
        mode="multiple"
        allowClear
        style={{ minWidth: 180 }}
        placeholder={t('allLocations')}
        value={filters.locationClass ?? []}
        options={options(LOCATION_CLASS_LABELS)}
        onChange={(v: string[]) => set({ locationClass: v })}
        data-testid="filter-location"
      />
    </Space>
  );
}
