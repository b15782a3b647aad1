import { Button, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { EVALUATION_STATUS_LABELS, EVALUATION_STATUSES, type Evaluation } from '../../../shared/assessment.schemas';
import { useEvaluations } from '../../api/assessment';
import { useMe } from '../../api/auth';
import { FilterBar } from '../../components/FilterBar';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';

/** The assessments the user may see (assessors: only their assigned communities). */
export default function AssessmentPage() {
  const { t } = useTranslation('assessment');
  const { label, options } = useLabels();
  const me = useMe();
  const list = useListState(['status', 'scheme']);
  const { state, set, page, pageSize } = list;
  const { data, isFetching } = useEvaluations({ status: state.status, scheme: state.scheme, page, pageSize });
  const admin = me.data?.role === 'bureau_admin';
  return (
    <>
      <PageHeader
        title={t('title')}
        extra={
          <>
            {admin && (
              <Link to="/assessment/schemes">
                <Button data-testid="nav-schemes">{t('schemes')}</Button>
              </Link>
            )}
            <Link to="/assessment/results">
              <Button>{t('results')}</Button>
            </Link>
            {me.data?.scope.kind === 'region' && (
              <Link to="/assessment/balance">
                <Button>{t('balance')}</Button>
              </Link>
            )}
          </>
        }
      />
      <FilterBar onReset={list.reset}>
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t('status')}
          value={state.status}
          onChange={(v?: string) => set({ status: v })}
          options={options(EVALUATION_STATUS_LABELS, EVALUATION_STATUSES)}
        />
      </FilterBar>
      <ListTable<Evaluation>
        loading={isFetching}
        data-testid="evaluation-table"
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          { title: t('year'), dataIndex: 'year', width: 110, render: (y: number) => `${y}–${y + 1}` },
          {
            title: t('community'),
            dataIndex: 'communityName',
            render: (v: string, r) => <Link to={`/assessment/evaluations/${r.id}`}>{v}</Link>,
          },
          { title: t('scheme'), dataIndex: 'schemeName' },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 120,
            render: (s: Evaluation['status']) => (
              <Tag color={s === 'published' ? 'green' : 'blue'}>{label(EVALUATION_STATUS_LABELS, s)}</Tag>
            ),
          },
          { title: t('total'), dataIndex: 'total', width: 90, render: (v: number | null) => v ?? '—' },
          {
            title: t('assessor'),
            dataIndex: 'assessors',
            render: (a: Evaluation['assessors']) => a.map((x) => x.name).join('、') || '—',
          },
          {
            title: t('appeals'),
            dataIndex: 'openAppeals',
            width: 80,
            render: (n: number) => (n ? <Tag color="orange">{n}</Tag> : ''),
          },
        ]}
      />
    </>
  );
}
