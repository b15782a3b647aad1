import { PlusOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Form, Input, Modal, Popconfirm, Row, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LEADERSHIP_ROLE_LABELS } from '../../../shared/enums';
import type { CommunityDetail, LeadershipMember } from '../../../shared/registry.schemas';
import { useAddLeader, useRemoveLeader, useUpdateLeader } from '../../api/registry';
import { fromIsoDate, toIsoDate } from '../../components/dates';
import { EnumSelect } from '../../components/EnumSelect';
import { FormErrors } from '../../components/FormErrors';
import { useLabels } from '../../components/labels';
import { SchoolSelect, TeacherSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';
import { useChoose } from '../../components/formRules';

interface Values {
  personName: string;
  teacherId?: number | null;
  schoolId?: number | null;
  role: LeadershipMember['role'];
  position?: string | null;
  workGroup?: string | null;
  startDate: Dayjs;
  endDate?: Dayjs | null;
}

const ROLE_ORDER = { leader: 0, deputy: 1, member: 2 } as const;

/** 领导小组: leader, deputies and members from the core and member schools. */
export function LeadershipTab({ community, canEdit }: { community: CommunityDetail; canEdit: boolean }) {
  const { t } = useTranslation('communities');
  const { label } = useLabels();
  const [editing, setEditing] = useState<LeadershipMember | null | undefined>(undefined);
  const remove = useRemoveLeader(community.id);
  const rows = [...community.leadership].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.personName.localeCompare(b.personName),
  );
  return (
    <>
      {canEdit ? (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setEditing(null)}
          style={{ marginBottom: 12 }}
          data-testid="leader-add"
        >
          {t('addLeader')}
        </Button>
      ) : null}
      <Table<LeadershipMember>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('personName'), dataIndex: 'personName' },
          {
            title: t('leaderRole'),
            dataIndex: 'role',
            render: (v: LeadershipMember['role']) => (
              <Tag color={v === 'leader' ? 'red' : v === 'deputy' ? 'orange' : undefined}>
                {label(LEADERSHIP_ROLE_LABELS, v)}
              </Tag>
            ),
          },
          { title: t('school'), dataIndex: 'schoolName', render: (v: string | null) => v ?? '—' },
          { title: t('position'), dataIndex: 'position', render: (v: string | null) => v ?? '—' },
          { title: t('workGroup'), dataIndex: 'workGroup', render: (v: string | null) => v ?? '—' },
          { title: t('period'), key: 'period', render: (_, r) => `${r.startDate} ~ ${r.endDate ?? t('present')}` },
          ...(canEdit
            ? [
                {
                  title: t('common:actions'),
                  key: 'actions',
                  width: 130,
                  render: (_: unknown, r: LeadershipMember) => (
                    <Space size={4}>
                      <Button size="small" type="link" onClick={() => setEditing(r)}>
                        {t('common:edit')}
                      </Button>
                      <Popconfirm
                        title={t('removeLeaderConfirm', { name: r.personName })}
                        onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
                      >
                        <Button size="small" type="link" danger>
                          {t('common:remove')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <LeaderModal communityId={community.id} leader={editing} onClose={() => setEditing(undefined)} />
    </>
  );
}

function LeaderModal({
  communityId,
  leader,
  onClose,
}: {
  communityId: number;
  leader: LeadershipMember | null | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation('communities');
  const choose = useChoose();
  const [form] = Form.useForm<Values>();
  const add = useAddLeader(communityId);
  const update = useUpdateLeader(communityId);
  const [errors, setErrors] = useState<string[]>([]);
  const open = leader !== undefined;
  useEffect(() => {
    if (!open) return;
    setErrors([]);
    form.resetFields();
    form.setFieldsValue(
      leader
        ? { ...leader, startDate: fromIsoDate(leader.startDate), endDate: fromIsoDate(leader.endDate) ?? null }
        : { role: 'member', startDate: dayjs() },
    );
  }, [open, leader, form]);
  const submit = async () => {
    const v = await form.validateFields();
    const body = {
      personName: v.personName,
      teacherId: v.teacherId ?? null,
      schoolId: v.schoolId ?? null,
      role: v.role,
      position: v.position ?? null,
      workGroup: v.workGroup ?? null,
      startDate: toIsoDate(v.startDate) ?? '',
      endDate: toIsoDate(v.endDate),
    };
    try {
      if (leader) await update.mutateAsync({ leaderId: leader.id, patch: body });
      else await add.mutateAsync(body);
      onClose();
    } catch (e) {
      setErrors(applyServerErrors(form, e));
    }
  };
  return (
    <Modal
      open={open}
      title={leader ? t('editLeader') : t('addLeader')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={add.isPending || update.isPending}
      forceRender
      width={640}
    >
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical">
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="personName"
              label={t('personName')}
              rules={[{ required: true, message: t('common:required') }]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="role" label={t('leaderRole')} rules={[choose(t('leaderRole'))]}>
              <EnumSelect labels={LEADERSHIP_ROLE_LABELS} allowClear={false} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="schoolId" label={t('school')}>
              <SchoolSelect
                filters={{ communityId }}
                initialOptions={
                  leader?.schoolId
                    ? [{ value: leader.schoolId, label: leader.schoolName ?? String(leader.schoolId) }]
                    : undefined
                }
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="teacherId" label={t('linkedTeacher')}>
              <TeacherSelect
                filters={{ communityId }}
                initialOptions={leader?.teacherId ? [{ value: leader.teacherId, label: leader.personName }] : undefined}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="position" label={t('position')}>
              <Input placeholder={t('positionPlaceholder')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="workGroup" label={t('workGroup')}>
              <Input placeholder={t('workGroupPlaceholder')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="startDate" label={t('startDate')} rules={[choose(t('startDate'))]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="endDate" label={t('endDate')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
