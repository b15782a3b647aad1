import { todayShanghai } from '../../../shared/beijing-time';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Divider, Form, Input, Row, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { COMMUNITY_MODEL_LABELS, COMMUNITY_TYPE_LABELS, LEADERSHIP_ROLE_LABELS } from '../../../shared/enums';
import type { LeadershipRole } from '../../../shared/enums';
import type { Community, CommunityDetail } from '../../../shared/registry.schemas';
import { useCreateCommunity, useUpdateCommunity } from '../../api/registry';
import { fromIsoDate, toIsoDate } from '../../components/dates';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { RegionSelect, SchoolSelect, TeacherSelect } from '../../components/RemoteSelect';
import { useChoose } from '../../components/formRules';

interface Values {
  code: string;
  name: string;
  type: Community['type'];
  model: Community['model'];
  regionCode: string;
  isCrossRegion: boolean;
  partnerRegionCode?: string | null;
  foundedOn: Dayjs;
  dissolvedOn?: Dayjs | null;
  description?: string | null;
  coreSchoolIds?: number[];
  memberSchoolIds?: number[];
  leaders?: { role: LeadershipRole; teacherId?: number; position?: string | null }[];
}

/**
 * Create a community with its core and member schools, or edit its basic information
 * (memberships are then changed from the detail page, which keeps their history).
 */
export function CommunityFormDrawer({
  open,
  community,
  onClose,
  onSaved,
}: {
  open: boolean;
  community?: Community | CommunityDetail | null;
  onClose: () => void;
  onSaved?: (c: CommunityDetail) => void;
}) {
  const { t } = useTranslation('communities');
  const [form] = Form.useForm<Values>();
  const create = useCreateCommunity();
  const update = useUpdateCommunity();
  const cross = Form.useWatch('isCrossRegion', form);
  const coreIds = Form.useWatch('coreSchoolIds', form) ?? [];
  const regionCode = Form.useWatch('regionCode', form) as string | undefined;
  const choose = useChoose();

  const initial: Partial<Values> = community
    ? {
        ...community,
        foundedOn: fromIsoDate(community.foundedOn),
        dissolvedOn: fromIsoDate(community.dissolvedOn),
        partnerRegionCode: community.partnerRegionCode ?? undefined,
        description: community.description ?? undefined,
      }
    : {
        isCrossRegion: false,
        foundedOn: dayjs(todayShanghai()),
        type: 'cobuilt',
        model: 'one_plus_x',
        coreSchoolIds: [],
        memberSchoolIds: [],
      };

  const onSubmit = async (v: Values) => {
    const base = {
      code: v.code,
      name: v.name,
      type: v.type,
      model: v.model,
      regionCode: v.regionCode,
      isCrossRegion: !!v.isCrossRegion,
      partnerRegionCode: v.isCrossRegion ? (v.partnerRegionCode ?? null) : null,
      foundedOn: toIsoDate(v.foundedOn) ?? '',
      dissolvedOn: toIsoDate(v.dissolvedOn),
      description: v.description ?? null,
    };
    if (community) {
      onSaved?.(await update.mutateAsync({ id: community.id, patch: base }));
    } else {
      const members = [
        ...(v.coreSchoolIds ?? []).map((schoolId) => ({ schoolId, role: 'core' as const })),
        ...(v.memberSchoolIds ?? []).map((schoolId) => ({ schoolId, role: 'member' as const })),
      ];
      const leaders = (v.leaders ?? []).map((l) => ({
        teacherId: l.teacherId!,
        role: l.role,
        position: l.position || null,
      }));
      onSaved?.(await create.mutateAsync({ ...base, members, leaders }));
    }
  };

  // server paths members.N.* point into the combined list: cores first, then members
  const mapField = (path: (string | number)[], detail: { code: string }) => {
    if (path[0] !== 'members') return undefined;
    if (detail.code === 'no_core') return ['coreSchoolIds'];
    const i = typeof path[1] === 'number' ? path[1] : -1;
    const cores = (form.getFieldValue('coreSchoolIds') as number[] | undefined)?.length ?? 0;
    return i >= 0 && i < cores ? ['coreSchoolIds'] : ['memberSchoolIds'];
  };

  const req = [{ required: true, message: t('common:required') }];
  return (
    <FormDrawer<Values>
      open={open}
      form={form}
      title={community ? t('editTitle', { name: community.name }) : t('createTitle')}
      onClose={onClose}
      onSubmit={onSubmit}
      mapField={mapField}
      initialValues={initial}
      testId="community-form"
    >
      <Row gutter={16}>
        <Col span={10}>
          <Form.Item name="code" label={t('code')} rules={req} extra={t('codeHint')}>
            <Input data-testid="community-code" />
          </Form.Item>
        </Col>
        <Col span={14}>
          <Form.Item name="name" label={t('name')} rules={req}>
            <Input data-testid="community-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="type" label={t('type')} rules={req} extra={t('typeHint')}>
            <EnumSelect labels={COMMUNITY_TYPE_LABELS} allowClear={false} data-testid="community-type" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="model" label={t('model')} rules={req}>
            <EnumSelect labels={COMMUNITY_MODEL_LABELS} allowClear={false} data-testid="community-model" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="regionCode" label={t('region')} rules={req}>
            <RegionSelect
              filters={{ level: 3 }}
              initialOptions={
                community
                  ? [{ value: community.regionCode, label: community.regionName ?? community.regionCode }]
                  : undefined
              }
              data-testid="community-region"
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="foundedOn" label={t('foundedOn')} rules={req}>
            <DatePicker style={{ width: '100%' }} data-testid="community-founded" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="isCrossRegion" label={t('isCrossRegion')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={16}>
          {cross ? (
            <Form.Item name="partnerRegionCode" label={t('partnerRegion')} rules={req}>
              <RegionSelect
                filters={{ level: 3 }}
                initialOptions={
                  community?.partnerRegionCode
                    ? [
                        {
                          value: community.partnerRegionCode,
                          label: community.partnerRegionName ?? community.partnerRegionCode,
                        },
                      ]
                    : undefined
                }
              />
            </Form.Item>
          ) : null}
        </Col>
        {community ? (
          <Col span={12}>
            <Form.Item name="dissolvedOn" label={t('dissolvedOn')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        ) : null}
        <Col span={24}>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
        </Col>
      </Row>
      {community ? null : (
        <>
          <Divider titlePlacement="start">{t('schools')}</Divider>
          <Form.Item
            name="coreSchoolIds"
            label={t('coreSchools')}
            extra={t('coreSchoolsHint')}
            dependencies={['memberSchoolIds']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, v: number[] | undefined) =>
                  (getFieldValue('memberSchoolIds') as number[] | undefined)?.length && !(v ?? []).length
                    ? Promise.reject(new Error(t('coreRequired')))
                    : Promise.resolve(),
              }),
            ]}
          >
            <SchoolSelect mode="multiple" data-testid="community-core-schools" />
          </Form.Item>
          <Form.Item
            name="memberSchoolIds"
            label={t('memberSchools')}
            dependencies={['coreSchoolIds']}
            rules={[
              {
                validator: (_, v: number[] | undefined) =>
                  (v ?? []).some((id) => coreIds.includes(id))
                    ? Promise.reject(new Error(t('duplicateSchool')))
                    : Promise.resolve(),
              },
            ]}
          >
            <SchoolSelect mode="multiple" data-testid="community-member-schools" />
          </Form.Item>
          {/* 领导小组 in the same step: leader, deputies and members from the schools chosen above */}
          <Divider titlePlacement="start">{t('leadershipGroup')}</Divider>
          <Form.List name="leaders">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Row key={f.key} gutter={8} align="top" data-testid={`leader-row-${f.name}`}>
                    <Col span={6}>
                      <Form.Item name={[f.name, 'role']} rules={[choose(t('leaderRole'))]}>
                        <EnumSelect
                          labels={LEADERSHIP_ROLE_LABELS}
                          allowClear={false}
                          aria-label={t('leaderRole')}
                          data-testid={`leader-role-${f.name}`}
                        />
                      </Form.Item>
                    </Col>
                    <Col span={10}>
                      <Form.Item name={[f.name, 'teacherId']} rules={[choose(t('linkedTeacher'))]}>
                        <TeacherSelect
                          filters={regionCode ? { region: regionCode } : undefined}
                          placeholder={t('leaderTeacherPlaceholder')}
                          data-testid={`leader-teacher-${f.name}`}
                        />
                      </Form.Item>
                    </Col>
                    <Col span={6}>
                      <Form.Item name={[f.name, 'position']}>
                        <Input placeholder={t('positionPlaceholder')} maxLength={50} />
                      </Form.Item>
                    </Col>
                    <Col span={2}>
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        aria-label={t('common:delete')}
                        onClick={() => remove(f.name)}
                      />
                    </Col>
                  </Row>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ role: fields.length === 0 ? 'leader' : 'deputy' })}
                  data-testid="leader-row-add"
                >
                  {t('addLeader')}
                </Button>
                <div style={{ color: 'rgba(0,0,0,0.45)', marginTop: 4 }}>{t('leadershipGroupHint')}</div>
              </>
            )}
          </Form.List>
        </>
      )}
    </FormDrawer>
  );
}
