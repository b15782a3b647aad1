import { PlusOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { Scheme } from '../../../shared/assessment.schemas';
import { useCopyScheme, useOpenScheme, useSchemes } from '../../api/assessment';
import { dateTime } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';

/** The bureau's schemes by year; copy last year's to start the next. */
export default function SchemesPage() {
  const { t } = useTranslation('assessment');
  const navigate = useNavigate();
  const list = useListState();
  const { page, pageSize } = list;
  const { data, isFetching } = useSchemes({ page, pageSize });
  const copy = useCopyScheme();
  const open = useOpenScheme();
  return (
    <>
      <PageHeader
        title={t('schemes')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => navigate('/assessment/schemes/new')}
            data-testid="scheme-create"
          >
            {t('newScheme')}
          </Button>
        }
      />
      <ListTable<Scheme>
        loading={isFetching}
        data-testid="scheme-table"
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          { title: t('year'), dataIndex: 'year', width: 110, render: (y: number) => `${y}–${y + 1}` },
          {
            title: t('schemeName'),
            dataIndex: 'name',
            render: (v: string, r) => <Link to={`/assessment/schemes/${r.id}`}>{v}</Link>,
          },
          { title: t('region'), dataIndex: 'regionName', width: 120 },
          { title: t('version'), dataIndex: 'version', width: 70 },
          { title: t('dimensions'), width: 80, render: (_, r) => r.definition.dimensions.length },
          { title: t('evaluations'), width: 120, render: (_, r) => `${r.publishedCount} / ${r.evaluationCount}` },
          { title: t('updatedAt'), dataIndex: 'updatedAt', width: 160, render: dateTime },
          {
            title: t('common:actions'),
            width: 220,
            render: (_, r) => (
              <Space size={0}>
                {r.evaluationCount === 0 && (
                  <Popconfirm title={t('openConfirm')} onConfirm={() => open.mutateAsync(r.id).catch(() => undefined)}>
                    <Button size="small" type="link">
                      {t('openAssessment')}
                    </Button>
                  </Popconfirm>
                )}
                <Button
                  size="small"
                  type="link"
                  onClick={() =>
                    copy
                      .mutateAsync({ id: r.id, year: r.year + 1 })
                      .then((s) => navigate(`/assessment/schemes/${s.id}`))
                      .catch(() => undefined)
                  }
                >
                  {t('copyToNext', { year: r.year + 1 })}
                </Button>
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
