import { CloudUploadOutlined, ReadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Flex, Input, List, Pagination, Row, Segmented, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useMostUsed, useResourceSearch } from '../../api/resources';
import { PageHeader } from '../../components/PageHeader';
import { listOf, useUrlState } from '../../components/useUrlState';
import { FacetPanel } from './FacetPanel';
import { FACET_PARAM } from './labels';
import { ResourceCard } from './ResourceCard';

/** The library: Chinese full-text search, facets, and the most-used list. `mine` shows the user's uploads. */
export default function LibraryPage({ mine = false }: { mine?: boolean }) {
  const { t } = useTranslation('resources');
  const navigate = useNavigate();
  const { state, set, page, pageSize } = useUrlState();
  const tab = mine ? 'mine' : state.tab === 'recommended' ? 'recommended' : 'all';
  const query = {
    q: state.q,
    sort: state.sort ?? 'relevance',
    ...Object.fromEntries(Object.values(FACET_PARAM).map((p) => [p, listOf(state[p])])),
    recommended: tab === 'recommended' ? 'true' : undefined,
    mine: tab === 'mine' ? 'true' : undefined,
    page,
    pageSize,
  };
  const { data, isFetching } = useResourceSearch(query);
  const top = useMostUsed({ days: 30, limit: 8 });

  return (
    <>
      <PageHeader
        title={mine ? t('mineTitle') : t('libraryTitle')}
        extra={
          <>
            <Button icon={<ReadOutlined />} onClick={() => void navigate('/shared-courses')} data-testid="to-courses">
              {t('nav.courses')}
            </Button>
            {!mine ? <Button onClick={() => void navigate('/resources/mine')}>{t('tabMine')}</Button> : null}
            <Button
              type="primary"
              icon={<CloudUploadOutlined />}
              onClick={() => void navigate('/resources/new')}
              data-testid="resource-upload"
            >
              {t('upload')}
            </Button>
          </>
        }
      />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Input.Search
          key={state.q ?? ''}
          allowClear
          enterButton
          size="large"
          placeholder={t('searchPlaceholder')}
          defaultValue={state.q}
          onSearch={(v) => set({ q: v })}
          style={{ maxWidth: 560 }}
          data-testid="resource-search"
        />
        {!mine ? (
          <Segmented
            value={tab}
            onChange={(v) => set({ tab: v === 'all' ? undefined : String(v) })}
            options={[
              { value: 'all', label: t('tabAll') },
              { value: 'recommended', label: t('tabRecommended') },
            ]}
          />
        ) : null}
        <Segmented
          value={state.sort ?? 'relevance'}
          onChange={(v) => set({ sort: v === 'relevance' ? undefined : String(v) }, true)}
          options={[
            { value: 'relevance', label: t('sortRelevance') },
            { value: 'newest', label: t('sortNewest') },
            { value: 'popular', label: t('sortPopular') },
          ]}
        />
      </Flex>
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <FacetPanel facets={data?.facets} state={state} set={set} />
        </Col>
        <Col xs={24} md={mine ? 18 : 12}>
          <Typography.Text type="secondary">{t('results', { count: data?.total ?? 0 })}</Typography.Text>
          <Spin spinning={isFetching}>
            {data && !data.items.length ? <Empty description={t('noResults')} /> : null}
            <Flex vertical gap={8} style={{ marginTop: 8 }} data-testid="resource-results">
              {(data?.items ?? []).map((r) => (
                <ResourceCard key={r.id} r={r} />
              ))}
            </Flex>
          </Spin>
          <Pagination
            style={{ marginTop: 16 }}
            current={page}
            pageSize={pageSize}
            total={data?.total ?? 0}
            showSizeChanger={false}
            onChange={(p) => set({ page: p }, true)}
          />
        </Col>
        {!mine ? (
          <Col xs={24} md={6}>
            <Card size="small" title={t('mostUsed')}>
              <List
                size="small"
                dataSource={top.data?.items ?? []}
                renderItem={(i, n) => (
                  <List.Item extra={<Typography.Text type="secondary">{i.views + i.downloads}</Typography.Text>}>
                    <span>{n + 1}. </span>
                    <Link to={`/resources/${i.resource.id}`}>{i.resource.title}</Link>
                  </List.Item>
                )}
              />
            </Card>
          </Col>
        ) : null}
      </Row>
    </>
  );
}
