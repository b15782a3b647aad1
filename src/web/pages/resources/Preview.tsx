import { LinkOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Empty, Image } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ResourceDetail } from '../../../shared/resources.schemas';
import { fileUrl, openUrl, resourceKeys } from '../../api/resources';

/**
 * Plays or shows the current version in the browser. Video and audio stream with HTTP ranges (the
 * browser seeks by itself); PDFs open in the browser's viewer; other documents are downloaded.
 */
export function Preview({ r }: { r: ResourceDetail }) {
  const { t } = useTranslation('resources');
  const queryClient = useQueryClient();
  // the play's first request is the one counted (preload="none": opening the page is not a play);
  // once it plays, read the count again so 点播 moves
  const played = () => void queryClient.invalidateQueries({ queryKey: resourceKeys.detail(r.id) });
  const v = r.current;
  if (!v) return <Empty />;
  const src = fileUrl(r.id, { version: v.id });
  switch (v.mediaClass) {
    case 'video':
      return (
        <video
          controls
          preload="none"
          onPlaying={played}
          src={src}
          style={{ width: '100%', maxHeight: 540, background: '#000' }}
          data-testid="resource-video"
        />
      );
    case 'audio':
      return (
        <audio
          controls
          preload="none"
          onPlaying={played}
          src={src}
          style={{ width: '100%' }}
          data-testid="resource-audio"
        />
      );
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
