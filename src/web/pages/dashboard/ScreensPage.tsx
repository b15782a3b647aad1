import { beijingDisplay } from '../../../shared/beijing-time';
import { Alert, Button, Form, Input, InputNumber, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateDisplayLink, useDisplayLinks, useRevokeDisplayLink } from '../../api/dashboard';
import { PageHeader } from '../../components/PageHeader';
import { NoPermission } from '../../components/NoPermission';
import { useMe } from '../../api/auth';

/** 大屏链接: create a display link (its address is shown once) and revoke it when a screen goes. */
export default function ScreensPage() {
  const { t } = useTranslation('dashboard');
  const { data: me } = useMe();
  // who may create, list and revoke display links (server: dashboardPolicy.mayManageAnyDisplay)
  const mayManage =
    (me?.role === 'bureau_admin' && me.scope.kind === 'region') ||
    (me?.role === 'community_lead' && me.scope.kind === 'community');
  const { data, isLoading } = useDisplayLinks(mayManage);
  const [created, setCreated] = useState<string | null>(null);
  const create = useCreateDisplayLink((l) => setCreated(`${window.location.origin}${l.url}`));
  const revoke = useRevokeDisplayLink();
  if (me && !mayManage) return <NoPermission reason={t('screensNoPermission')} />;
  return (
    <>
      <PageHeader title={t('screens')} sub={t('screensHint')} />
      {/* left empty, the link lives as long as the server allows (GONGJIN_DISPLAY_LINK_MAX_DAYS) */}
      <Form
        layout="inline"
        onFinish={(v: { label: string; validDays?: number | null }) =>
          create.mutate({ label: v.label, ...(v.validDays ? { validDays: v.validDays } : {}) })
        }
        style={{ marginBottom: 16 }}
      >
        <Form.Item name="label" rules={[{ required: true, message: t('labelRequired') }]}>
          <Input placeholder={t('screenLabel')} data-testid="screen-label" />
        </Form.Item>
        <Form.Item name="validDays" label={t('validDays')}>
          <InputNumber min={1} max={3650} placeholder={t('validDaysDefault')} style={{ width: 130 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="screen-create">
          {t('createScreen')}
        </Button>
      </Form>
      {created ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('screenCreated')}
          description={
            <Typography.Text copyable data-testid="screen-url">
              {created}
            </Typography.Text>
          }
        />
      ) : null}
      <Table
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        columns={[
          { title: t('screenLabel'), dataIndex: 'label' },
          { title: t('scope'), dataIndex: 'scopeName' },
          { title: t('createdBy'), dataIndex: 'createdBy' },
          { title: t('expiresAt'), dataIndex: 'expiresAt', render: (v: string) => beijingDisplay(v).slice(0, 10) },
          {
            title: t('lastUsedAt'),
            dataIndex: 'lastUsedAt',
            render: (v: string | null) => (v ? beijingDisplay(v) : '—'),
          },
          {
            title: '',
            key: 'actions',
            render: (_, r) =>
              r.revokedAt ? (
                <Tag>{t('revoked')}</Tag>
              ) : (
                <Space>
                  <Popconfirm title={t('revokeConfirm')} onConfirm={() => revoke.mutate(r.id)}>
                    <Button size="small" danger>
                      {t('revoke')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
    </>
  );
}
