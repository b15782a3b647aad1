import { CloudUploadOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Popconfirm, Radio, Space, Tag, type ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { PlanSummary } from '../../../shared/planner.schemas';
import { useMe } from '../../api/auth';
import { useCreatePlan, useDeletePlan, usePlans } from '../../api/planner';
import { dateTime, num } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { useChoose } from '../../components/formRules';

export default function PlannerPage() {
  const { t } = useTranslation('planner');
  const list = useListState();
  const { page, pageSize } = list;
  const { data, isFetching } = usePlans({ page, pageSize });
  const { data: me } = useMe();
  const [creating, setCreating] = useState(false);
  const remove = useDeletePlan();
  const canPlan = me?.role === 'bureau_admin';

  return (
    <>
      <PageHeader
        title={t('title')}
        sub={t('subtitle')}
        extra={
          canPlan ? (
            <Space>
              {/* travel times replace kilometres in a region's pairing once they cover every pair */}
              <Link to="/imports?kind=travel-times">
                <Button icon={<CloudUploadOutlined />} data-testid="travel-times-import">
                  {t('travelTimesImport')}
                </Button>
              </Link>
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="plan-create"
              >
                {t('newPlan')}
              </Button>
            </Space>
          ) : null
        }
      />
      <ListTable<PlanSummary>
        loading={isFetching}
        locale={{ emptyText: t('empty') }}
        data-testid="plan-table"
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          { title: t('name'), dataIndex: 'name', render: (v: string, r) => <Link to={`/planner/${r.id}`}>{v}</Link> },
          { title: t('kind'), dataIndex: 'kind', width: 120, render: (v: string) => t(`kinds.${v}`) },
          {
            title: t('region'),
            dataIndex: 'regionName',
            width: 110,
            render: (v: string | null, r) => v ?? r.regionCode,
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 90,
            render: (v: string) => <Tag color={v === 'accepted' ? 'green' : 'blue'}>{t(`statuses.${v}`)}</Tag>,
          },
          {
            title: t('resultStatus'),
            dataIndex: 'resultStatus',
            width: 170,
            render: (v: string | null, r) =>
              v ? (
                <Tag color={v === 'infeasible' ? 'red' : r.provenOptimal ? 'green' : 'gold'}>
                  {t(`resultStatuses.${v}`)}
                </Tag>
              ) : (
                '—'
              ),
          },
          {
            title: t('objective'),
            dataIndex: 'objective',
            width: 110,
            align: 'right',
            render: (v: number | null) => num(v, 1),
          },
          { title: t('createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => dateTime(v) },
          {
            title: t('common:actions'),
            key: 'actions',
            width: 120,
            render: (_, r) => (
              <Space size={4}>
                <Link to={`/planner/${r.id}`}>{t('open')}</Link>
                {canPlan && r.status === 'draft' ? (
                  <Popconfirm
                    title={t('deleteConfirm', { name: r.name })}
                    onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
                  >
                    <Button size="small" type="link" danger>
                      {t('common:delete')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <CreatePlanModal
        open={creating}
        onClose={() => setCreating(false)}
        defaultRegion={
          me?.scope.kind === 'region' && me.scope.id.length === 6 && !me.scope.id.endsWith('00')
            ? me.scope.id
            : undefined
        }
      />
    </>
  );
}

function CreatePlanModal({
  open,
  onClose,
  defaultRegion,
}: {
  open: boolean;
  onClose: () => void;
  defaultRegion?: string | undefined;
}) {
  const { t } = useTranslation('planner');
  const choose = useChoose();
  const [form] = Form.useForm<{
    kind: 'pairing' | 'exchange';
    name: string;
    regionCode: string;
    mode: 'flat' | 'tree';
  }>();
  const create = useCreatePlan();
  const navigate = useNavigate();
  const kind = Form.useWatch('kind', form);
  return (
    <Modal
      open={open}
      title={t('newPlan')}
      onCancel={onClose}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'plan-create-submit' } as ButtonProps}
      onOk={() => {
        void form.validateFields().then(async (v) => {
          const plan = await create
            .mutateAsync({
              kind: v.kind,
              name: v.name,
              regionCode: v.regionCode,
              settings: v.kind === 'pairing' ? { mode: v.mode } : {},
            })
            .catch(() => null);
          if (plan) {
            onClose();
            void navigate(`/planner/${plan.id}`);
          }
        });
      }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: 'pairing', mode: 'flat', regionCode: defaultRegion }}
      >
        <Form.Item name="kind" label={t('kind')}>
          <Radio.Group
            options={[
              { value: 'pairing', label: t('kinds.pairing') },
              { value: 'exchange', label: t('kinds.exchange') },
            ]}
          />
        </Form.Item>
        <Form.Item name="name" label={t('name')} rules={[{ required: true, message: t('common:required') }]}>
          <Input placeholder={t('namePlaceholder')} maxLength={100} data-testid="plan-name" />
        </Form.Item>
        <Form.Item name="regionCode" label={t('region')} rules={[choose(t('region'))]}>
          <RegionSelect filters={{ level: 3 }} />
        </Form.Item>
        {kind === 'pairing' ? (
          <Form.Item name="mode" label={t('mode')} tooltip={t('help.mode')}>
            <Radio.Group
              options={[
                { value: 'flat', label: t('modes.flat') },
                { value: 'tree', label: t('modes.tree') },
              ]}
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
