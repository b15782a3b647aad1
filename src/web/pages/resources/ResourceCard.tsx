import { EyeOutlined, DownloadOutlined, StarFilled } from '@ant-design/icons';
import { Card, Flex, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Resource } from '../../../shared/resources.schemas';
import { useLabels } from '../../components/labels';
import { GRADE_LABELS, RESOURCE_KIND_LABELS, RESOURCE_VISIBILITY_LABELS, SUBJECT_LABELS } from './labels';

/** One search hit: title, what it is, where it comes from, how much it is used. */
export function ResourceCard({ r }: { r: Resource }) {
  const { t } = useTranslation('resources');
  const { label } = useLabels();
  return (
    <Card size="small" data-testid="resource-item">
      <Flex justify="space-between" align="start" gap={8} wrap>
        <div style={{ minWidth: 0, flex: 1 }}>
          <Space wrap size={4}>
            {r.recommended ? <Tag color="gold">{t('recommendedTag')}</Tag> : null}
            <Tag color="blue">{label(RESOURCE_KIND_LABELS, r.kind)}</Tag>
            <Link to={`/resources/${r.id}`} style={{ fontSize: 15, fontWeight: 500 }}>
              {r.title}
            </Link>
          </Space>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {label(SUBJECT_LABELS, r.subject)}
              {r.grade ? ` · ${label(GRADE_LABELS, String(r.grade))}` : ''}
              {r.textbookEdition ? ` · ${r.textbookEdition}` : ''}
              {r.unit ? ` ${r.unit}` : ''} · {r.schoolName ?? t('ownedByRegion')}
              {r.communityName ? ` · ${r.communityName}` : ''} · {label(RESOURCE_VISIBILITY_LABELS, r.visibility)}
            </Typography.Text>
          </div>
          {r.description ? (
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 1 }} style={{ margin: 0, fontSize: 13 }}>
              {r.description}
            </Typography.Paragraph>
          ) : null}
          {r.tags.length
            ? r.tags.map((tag) => (
                <Tag key={tag} bordered={false}>
                  {tag}
                </Tag>
              ))
            : null}
        </div>
        <Space size={12} style={{ color: '#888', fontSize: 12 }}>
          <span title={t('views', { count: r.viewCount })}>
            <EyeOutlined /> {r.viewCount}
          </span>
          <span title={t('downloads', { count: r.downloadCount })}>
            <DownloadOutlined /> {r.downloadCount}
          </span>
          {r.ratingAvg !== null ? (
            <span>
              <StarFilled style={{ color: '#fadb14' }} /> {r.ratingAvg}
            </span>
          ) : null}
        </Space>
      </Flex>
    </Card>
  );
}
