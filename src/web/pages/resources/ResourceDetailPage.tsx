import { DeleteOutlined, DownloadOutlined, LikeOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Popconfirm,
  Rate,
  Result,
  Row,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { ResourceVersion } from '../../../shared/resources.schemas';
import { fileUrl, useDeleteResource, useRate, useRecommend, useResource } from '../../api/resources';
import { dateTime, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { Comments } from './Comments';
import { GRADE_LABELS, RESOURCE_KIND_LABELS, RESOURCE_VISIBILITY_LABELS, SUBJECT_LABELS, formatBytes } from './labels';
import { NewVersionButton } from './NewVersionButton';
import { Preview } from './Preview';

export default function ResourceDetailPage() {
  const { t } = useTranslation('resources');
  const { label } = useLabels();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const { data: r, isLoading, isError } = useResource(id);
  const recommend = useRecommend();
  const rate = useRate();
  const remove = useDeleteResource();
  if (isLoading) return <Spin />;
  if (isError || !r) return <Result status="404" title={t('notFound')} />;
  const file = r.current?.source === 'file';

  return (
    <>
      <PageHeader
        title={
          <Space>
            {r.recommended ? <Tag color="gold">{t('recommendedTag')}</Tag> : null}
            <span data-testid="resource-detail-title">{r.title}</span>
          </Space>
        }
        sub={`${r.schoolName ?? t('ownedByRegion')}${r.communityName ? ` · ${r.communityName}` : ''} · ${t('views', { count: r.viewCount })} · ${t('downloads', { count: r.downloadCount })}`}
        extra={
          <>
            {file ? (
              <Button
                icon={<DownloadOutlined />}
                href={fileUrl(r.id, { download: true })}
                data-testid="resource-download"
              >
                {t('download')}
              </Button>
            ) : null}
            {r.can.recommend ? (
              <Button
                icon={<LikeOutlined />}
                onClick={() => recommend.mutate({ id: r.id, recommended: !r.recommended })}
                data-testid="resource-recommend"
              >
                {r.recommended ? t('unrecommend') : t('recommend')}
              </Button>
            ) : null}
            {r.can.edit ? <NewVersionButton resourceId={r.id} /> : null}
            {r.can.edit ? (
              <Popconfirm
                title={t('deleteConfirm', { title: r.title })}
                onConfirm={() =>
                  remove
                    .mutateAsync(r.id)
                    .then(() => navigate('/resources'))
                    .catch(() => undefined)
                }
              >
                <Button danger icon={<DeleteOutlined />}>
                  {t('common:delete')}
                </Button>
              </Popconfirm>
            ) : null}
          </>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card>
            <Preview r={r} />
          </Card>
          <Comments resourceId={r.id} canWrite={r.can.rate} />
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('field.kind')}>{label(RESOURCE_KIND_LABELS, r.kind)}</Descriptions.Item>
              <Descriptions.Item label={t('field.subject')}>{label(SUBJECT_LABELS, r.subject)}</Descriptions.Item>
              <Descriptions.Item label={t('field.grade')}>
                {r.grade ? label(GRADE_LABELS, String(r.grade)) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('field.textbookEdition')}>
                {[r.textbookEdition, r.unit].filter(Boolean).join(' ') || '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('field.visibility')}>
                {label(RESOURCE_VISIBILITY_LABELS, r.visibility)}
              </Descriptions.Item>
              <Descriptions.Item label={t('field.tags')}>
                {r.tags.length ? r.tags.map((x) => <Tag key={x}>{x}</Tag>) : '—'}
              </Descriptions.Item>
              {r.activityId ? (
                <Descriptions.Item label={t('field.activity')}>
                  <Link to={`/activities/${r.activityId}`} data-testid="resource-activity-link">
                    {t('openActivity')}
                  </Link>
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label={t('field.owner')}>{r.ownerName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.createdAt')}>{dateTime(r.createdAt)}</Descriptions.Item>
              <Descriptions.Item label={t('field.licenseNote')}>{r.licenseNote ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.rating')}>
                <Space direction="vertical" size={0}>
                  <span>
                    {r.ratingAvg !== null
                      ? t('ratingSummary', { avg: r.ratingAvg, count: r.ratingCount })
                      : t('noRating')}
                  </span>
                  {r.can.rate ? (
                    <span>
                      {t('myRating')}:{' '}
                      <Rate
                        value={r.myRating ?? 0}
                        onChange={(stars) => stars && rate.mutate({ id: r.id, stars })}
                        data-testid="resource-rate"
                      />
                    </span>
                  ) : null}
                </Space>
              </Descriptions.Item>
            </Descriptions>
            {r.description ? (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{r.description}</Typography.Paragraph>
            ) : null}
          </Card>
          <Card size="small" title={t('versions')} style={{ marginTop: 16 }}>
            <Table<ResourceVersion>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={r.versions}
              // a narrow card: minimum widths and ellipsis, scrolling sideways, never a character per line
              scroll={{ x: 560 }}
              columns={[
                {
                  title: '#',
                  dataIndex: 'versionNo',
                  width: 60,
                  render: (n: number) =>
                    r.current?.id && r.versions[0]?.versionNo === n ? <Tag color="green">{n}</Tag> : n,
                },
                {
                  title: t('field.file'),
                  width: 240,
                  ellipsis: true,
                  render: (_, v) =>
                    v.source === 'file' ? (
                      <a href={fileUrl(r.id, { version: v.id, download: true })}>{v.fileName}</a>
                    ) : (
                      <a href={v.url ?? '#'} target="_blank" rel="noopener noreferrer">
                        {v.url}
                      </a>
                    ),
                },
                {
                  title: t('field.size'),
                  dataIndex: 'sizeBytes',
                  width: 90,
                  render: (n: number | null) => formatBytes(n),
                },
                {
                  title: t('field.versionNote'),
                  dataIndex: 'note',
                  width: 170,
                  ellipsis: true,
                  render: (n: string | null) => n ?? '',
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
