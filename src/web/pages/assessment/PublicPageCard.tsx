import { GlobalOutlined } from '@ant-design/icons';
import { Button, Card, Popconfirm, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { shanghaiDate } from '../../../shared/beijing-time';
import { regionContains } from '../../../shared/regions';
import { usePublicPage, usePublishPublicPage, useWithdrawPublicPage } from '../../api/assessment';
import { useMe } from '../../api/auth';

/** The page's address as others will open it: the server's public URL, else this origin. */
const absolute = (url: string) => (url.startsWith('/') ? `${window.location.origin}${url}` : url);

/**
 * The public results page of the region and year on the results page (docs/public-results.md): the
 * region's bureau publishes and withdraws it; everyone sees its link while it is published.
 */
export function PublicPageCard({ region, year, hasResults }: { region: string; year: number; hasResults: boolean }) {
  const { t } = useTranslation('assessment');
  const me = useMe();
  const page = usePublicPage(region, year);
  const publish = usePublishPublicPage();
  const withdraw = useWithdrawPublicPage();
  const canManage =
    me.data?.role === 'bureau_admin' && me.data.scope.kind === 'region' && regionContains(me.data.scope.id, region);
  const p = page.data;
  if (!p || (!p.published && !(canManage && hasResults))) return null;
  const url = absolute(p.url);
  return (
    <Card size="small" title={t('publicPage.title')} style={{ marginBottom: 16 }} data-testid="public-page-card">
      {p.published ? (
        <Space direction="vertical" size={4} style={{ width: '100%' }}>
          <Space wrap>
            <GlobalOutlined />
            <Typography.Text copyable={{ text: url }}>
              <Typography.Link href={url} target="_blank" rel="noreferrer" data-testid="public-page-link">
                {url}
              </Typography.Link>
            </Typography.Text>
          </Space>
          <Typography.Text type="secondary">
            {t('publicPage.live', { date: p.publishedAt ? shanghaiDate(p.publishedAt) : '' })} · {t('publicPage.hint')}
          </Typography.Text>
          {canManage && (
            <Popconfirm
              title={t('publicPage.withdrawConfirm')}
              onConfirm={() => withdraw.mutateAsync({ region, year }).catch(() => undefined)}
            >
              <Button danger loading={withdraw.isPending} data-testid="public-page-withdraw">
                {t('publicPage.withdraw')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ) : (
        <Space direction="vertical" size={4}>
          <Typography.Text type="secondary">
            {p.withdrawnAt ? t('publicPage.withdrawn', { date: shanghaiDate(p.withdrawnAt) }) : t('publicPage.none')} ·{' '}
            {t('publicPage.hint')}
          </Typography.Text>
          <Button
            type="primary"
            loading={publish.isPending}
            onClick={() => publish.mutateAsync({ region, year }).catch(() => undefined)}
            data-testid="public-page-publish"
          >
            {t('publicPage.publish')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
