import {
  DownloadOutlined,
  EyeOutlined,
  FileImageOutlined,
  FileOutlined,
  FilePdfOutlined,
  LinkOutlined,
  SoundOutlined,
  StarFilled,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { Card, Flex, Space, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Resource, ResourceVersion } from '../../../shared/resources.schemas';
import { thumbnailUrl } from '../../api/resources';
import { useLabels } from '../../components/labels';
import { GRADE_LABELS, RESOURCE_KIND_LABELS, RESOURCE_VISIBILITY_LABELS, SUBJECT_LABELS } from './labels';

const MEDIA_ICONS: Record<ResourceVersion['mediaClass'], ReactNode> = {
  video: <VideoCameraOutlined />,
  audio: <SoundOutlined />,
  image: <FileImageOutlined />,
  pdf: <FilePdfOutlined />,
  document: <FileOutlined />,
  link: <LinkOutlined />,
};
const BOX = { width: 80, height: 60, flex: 'none', borderRadius: 4, background: '#f5f5f5' } as const;

/** The image's thumbnail when the server has made one, otherwise an icon of what the resource is. */
function Thumb({ r }: { r: Resource }) {
  // a thumbnail that fails to load (deleted meanwhile) falls back to the icon too
  const [failed, setFailed] = useState(false);
  if (r.hasThumbnail && !failed)
    return (
      <img
        src={thumbnailUrl(r)}
        alt=""
        loading="lazy"
        onError={() => setFailed(true)}
        style={{ ...BOX, objectFit: 'cover' }}
        data-testid="resource-thumbnail"
      />
    );
  return (
    <Flex align="center" justify="center" style={{ ...BOX, fontSize: 24, color: '#8c8c8c' }} aria-hidden>
      {MEDIA_ICONS[r.current?.mediaClass ?? 'document']}
    </Flex>
  );
}

/** One search hit: title, what it is, where it comes from, how much it is used. */
export function ResourceCard({ r }: { r: Resource }) {
  const { t } = useTranslation('resources');
  const { label } = useLabels();
  return (
    <Card size="small" data-testid="resource-item">
      <Flex justify="space-between" align="start" gap={8} wrap>
        <Link to={`/resources/${r.id}`} tabIndex={-1} style={{ flex: 'none' }}>
          <Thumb r={r} />
        </Link>
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
