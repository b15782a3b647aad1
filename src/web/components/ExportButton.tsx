import { DownloadOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { QueryParams } from '../api/client';
import { exportUrl } from '../api/io';

/** Downloads the list the user is looking at (same filters) as an xlsx file. */
export function ExportButton({ plural, filters }: { plural: string; filters: QueryParams }) {
  const { t } = useTranslation();
  return (
    <Button icon={<DownloadOutlined />} href={exportUrl(plural, filters)} data-testid={`export-${plural}`}>
      {t('export')}
    </Button>
  );
}
