import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Statistic,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import {
  DONOR_TYPE_LABELS,
  SUPPORT_CATEGORY_LABELS,
  type SupportEntry,
  type SupportInput,
} from '../../../shared/activities.schemas';
import { errorText } from '../../api/client';
import {
  activityKeys,
  uploadSupportEvidence,
  useCreateSupport,
  useDeleteSupport,
  useLedger,
  useLedgerTotals,
  useUpdateSupport,
} from '../../api/activities';
import { useMe } from '../../api/auth';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { SchoolSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { ActivitiesNav, isPhone, useOwnCommunityId, ScopedCommunitySelect } from './shared';

const yuan = (v: number) => `¥${num(v, 0)}`;

/** 资源共用台账: goods and money given to member schools, with evidence and totals. */
export default function LedgerPage() {
  const { t } = useTranslation('activities');
  const { label } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = useListState();
  const { state, set, page, pageSize } = list;
  const own = useOwnCommunityId();
  const communityId = state.communityId ? Number(state.communityId) : own;
  const schoolYear = state.schoolYear ? Number(state.schoolYear) : undefined;
  const filters = { communityId, schoolYear };
  const { data, isFetching } = useLedger({ ...filters, page, pageSize });
  const totals = useLedgerTotals(filters);
  const remove = useDeleteSupport();
  const [editing, setEditing] = useState<SupportEntry | 'new' | null>(null);
  const { data: me } = useMe();
  // who may record, correct and delete (the server checks the community too); others read the ledger
  const canWrite = me?.role === 'bureau_admin' || me?.role === 'community_lead' || me?.role === 'school_admin';
  const years = Array.from({ length: 5 }, (_, i) => new Date().getFullYear() - i);

  return (
    <>
      <ActivitiesNav />
      <PageHeader
        title={t('ledgerTitle')}
        extra={
          canWrite ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="ledger-create"
            >
              {t('ledgerCreate')}
            </Button>
          ) : null
        }
      />
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col xs={24} sm={8}>
          <ScopedCommunitySelect
            placeholder={t('f.community')}
            value={communityId}
            onChange={(v) => set({ communityId: v as number | undefined })}
            style={{ width: '100%' }}
          />
        </Col>
        <Col xs={24} sm={6}>
          <Select
            allowClear
            placeholder={t('schoolYear')}
            value={schoolYear}
            onChange={(v?: number) => set({ schoolYear: v })}
            style={{ width: '100%' }}
            options={years.map((y) => ({ value: y, label: `${y}–${y + 1}` }))}
          />
        </Col>
      </Row>
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('totalValue')} value={totals.data?.total.valueYuan ?? 0} prefix="¥" precision={0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('entries')} value={totals.data?.total.entries ?? 0} />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" title={t('bySchool')}>
            {(totals.data?.bySchool ?? []).slice(0, 5).map((s) => (
              <div key={s.schoolId}>
                {s.schoolName}：{yuan(s.valueYuan)}（{s.entries}）
              </div>
            ))}
          </Card>
        </Col>
      </Row>
      <ListTable<SupportEntry>
        loading={isFetching}
        scroll={{ x: 900 }}
        data-testid="ledger-table"
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          { title: t('givenOn'), dataIndex: 'givenOn', width: 110 },
          { title: t('recipient'), dataIndex: 'recipientSchoolName' },
          {
            title: t('donor'),
            render: (_, r) => r.donorSchoolName ?? r.donorName ?? label(DONOR_TYPE_LABELS, r.donorType),
          },
          {
            title: t('category'),
            dataIndex: 'category',
            render: (v: SupportEntry['category']) => label(SUPPORT_CATEGORY_LABELS, v),
          },
          {
            title: t('item'),
            render: (_, r) => `${r.item}${r.quantity != null ? ` ${num(r.quantity)}${r.unit ?? ''}` : ''}`,
          },
          { title: t('valueYuan'), dataIndex: 'valueYuan', align: 'right', render: yuan },
          {
            title: t('evidence'),
            render: (_, r) =>
              r.evidence ? (
                <a href={`/api/v1/support-ledger/${r.id}/evidence`} target="_blank" rel="noreferrer">
                  {r.evidence.fileName}
                </a>
              ) : canWrite ? (
                <Upload
                  showUploadList={false}
                  beforeUpload={(f) => {
                    uploadSupportEvidence(r.id, f)
                      .then(() => qc.invalidateQueries({ queryKey: activityKeys.all }))
                      .catch((e: unknown) => void message.error(errorText(e)));
                    return false;
                  }}
                >
                  <Button size="small" icon={<UploadOutlined />} />
                </Upload>
              ) : null,
          },
          ...(canWrite
            ? [
                {
                  title: '',
                  width: 200,
                  render: (_: unknown, r: SupportEntry) => (
                    <>
                      <Button
                        size="small"
                        type="link"
                        onClick={() => setEditing(r)}
                        data-testid={`ledger-edit-${r.id}`}
                      >
                        {t('common:edit')}
                      </Button>
                      <Popconfirm
                        title={t('deleteConfirm')}
                        onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
                      >
                        <Button size="small" type="link" danger>
                          {t('common:delete')}
                        </Button>
                      </Popconfirm>
                      {me?.role === 'bureau_admin' ? (
                        <Link to={`/audit-log?entity=support_entry&entityId=${r.id}`}>{t('ledgerHistory')}</Link>
                      ) : null}
                    </>
                  ),
                },
              ]
            : []),
        ]}
      />
      <LedgerForm entry={editing} onClose={() => setEditing(null)} communityId={communityId} />
    </>
  );
}

type Values = Omit<SupportInput, 'givenOn'> & { givenOn: Dayjs };
function LedgerForm({
  entry,
  onClose,
  communityId,
}: {
  entry: SupportEntry | 'new' | null;
  onClose: () => void;
  communityId?: number;
}) {
  const { t } = useTranslation('activities');
  const [form] = Form.useForm<Values>();
  const create = useCreateSupport();
  const update = useUpdateSupport();
  const existing = entry && entry !== 'new' ? entry : null;
  const cid = Form.useWatch('communityId', form);
  const req = [{ required: true, message: t('common:required') }];
  return (
    <FormDrawer<Values>
      open={entry !== null}
      form={form}
      title={existing ? t('ledgerEdit') : t('ledgerCreate')}
      onClose={onClose}
      width={isPhone() ? window.innerWidth : 640}
      initialValues={
        existing
          ? {
              communityId: existing.communityId,
              recipientSchoolId: existing.recipientSchoolId,
              donorType: existing.donorType,
              donorSchoolId: existing.donorSchoolId,
              donorName: existing.donorName,
              category: existing.category,
              item: existing.item,
              quantity: existing.quantity,
              unit: existing.unit,
              valueYuan: existing.valueYuan,
              givenOn: dayjs(existing.givenOn),
              note: existing.note,
            }
          : { communityId, donorType: 'core_school', category: 'books' }
      }
      testId="ledger-form"
      onSubmit={(v) => {
        const body = { ...v, givenOn: v.givenOn.format('YYYY-MM-DD') };
        if (!existing) return create.mutateAsync(body);
        // an entry stays in its community (the server refuses a move)
        const { communityId: _c, ...patch } = body;
        return update.mutateAsync({ id: existing.id, body: patch });
      }}
    >
      <Row gutter={12}>
        <Col span={24}>
          <Form.Item name="communityId" label={t('f.community')} rules={req}>
            <ScopedCommunitySelect disabled={!!existing} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="recipientSchoolId" label={t('recipient')} rules={req}>
            <SchoolSelect
              filters={{ communityId: cid }}
              initialOptions={
                existing ? [{ value: existing.recipientSchoolId, label: existing.recipientSchoolName }] : undefined
              }
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="donorType" label={t('donorType')} rules={req}>
            <EnumSelect labels={DONOR_TYPE_LABELS} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="donorSchoolId" label={t('donorSchool')}>
            <SchoolSelect
              filters={{ communityId: cid }}
              initialOptions={
                existing?.donorSchoolId
                  ? [{ value: existing.donorSchoolId, label: existing.donorSchoolName ?? '' }]
                  : undefined
              }
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="donorName" label={t('donorName')}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="category" label={t('category')} rules={req}>
            <EnumSelect labels={SUPPORT_CATEGORY_LABELS} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={16}>
          <Form.Item name="item" label={t('item')} rules={req}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={8}>
          <Form.Item name="quantity" label={t('quantity')}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={8}>
          <Form.Item name="unit" label={t('unit')}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={8}>
          <Form.Item name="valueYuan" label={t('valueYuan')} rules={req}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="givenOn" label={t('givenOn')} rules={req}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="note" label={t('f.description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
      </Row>
    </FormDrawer>
  );
}
