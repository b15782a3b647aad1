import { LinkOutlined } from '@ant-design/icons';
import { Button, Empty, Image } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ResourceDetail } from '../../../shared/resources.schemas';
import { fileUrl, openUrl } from '../../api/resources';

/**
 * Plays or shows the current version in the browser. Video and audio stream with HTTP ranges (the
 * browser seeks by itself); PDFs open in the browser's viewer; other documents are downloaded.
 */
export function Preview({ r }: { r: ResourceDetail }) {
  const { t } = useTranslation('resources');
  const v = r.current;
  if (!v) return <Empty />;
  const src = fileUrl(r.id, { version: v.id });
  switch (v.mediaClass) {
    case 'video':
      return (
        <video
          controls
          preload="metadata"
          src={src}
          style={{ width: '100%', maxHeight: 540, background: '#000' }}
          data-testid="resource-video"
        />
      );
    case 'audio':
      return <audio controls preload="metadata" src={src} style={{ width: '100%' }} data-testid="resource-audio" />;
    case 'image':
      return <Image src={src} alt={r.title} style={{ maxHeight: 540 }} data-testid="resource-image" />;
    case 'pdf':
      return (
        <iframe
          title={r.title}
          src={src}
          style={{ width: '100%', height: 640, border: '1px solid #eee' }}
          data-testid="resource-pdf"
        />
      );
    case 'link':
      return (
        <Button
          type="primary"
          icon={<LinkOutlined />}
          href={openUrl(r.id)}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="resource-open-link"
        >
          {t('openLink')}
        </Button>
      );
    default:
      return <Empty description={t('noPreview')} />;
  }
}
