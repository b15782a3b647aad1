import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Space,
  Switch,
  Table,
  Tag,
  TimePicker,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCATION_CLASS_LABELS } from '../../../shared/enums';
import { EXCHANGE_KIND_LABELS } from '../../../shared/exchange.enums';
import type { Rule, RuleInput, Settings } from '../../../shared/exchange.schemas';
import { regionContains } from '../../../shared/regions';
import { useMe } from '../../api/auth';
import {
  useCreateRule,
  useDeleteRule,
  useRules,
  useSaveSettings,
  useSettings,
  useUpdateRule,
} from '../../api/exchange';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { FormErrors } from '../../components/FormErrors';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { applyServerErrors } from '../../components/serverErrors';
import { ExchangeNav } from './ExchangeNav';

/**
 * 交流设置: the bureau's cycle rules and its regional settings (day length, school day, observation
 * quota, master-teacher floor). A bureau administrator edits those of its own region; everyone else
 * reads them (no form that would meet a 403).
 */
export default function SettingsPage() {
  const { t } = useTranslation('exchange');
  const { data: me } = useMe();
  const region = me?.scope.kind === 'region' ? me.scope.id : undefined;
  const canConfigure = (code: string | undefined) =>
    me?.role === 'bureau_admin' && me.scope.kind === 'region' && !!code && regionContains(me.scope.id, code);
  return (
    <>
      <PageHeader title={t('settingsTitle')} sub={t('settingsSubtitle')} />
      <ExchangeNav />
      {!canConfigure(region) ? (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('settingsReadOnly')} />
      ) : null}
      <RulesCard region={region} canConfigure={canConfigure} />
      {region ? <RegionSettingsCard region={region} editable={canConfigure(region)} /> : null}
    </>
  );
}

function RulesCard({
  region,
  canConfigure,
}: {
  region: string | undefined;
  canConfigure: (code: string | undefined) => boolean;
}) {
  const { t } = useTranslation('exchange');
  const { label } = useLabels();
  const rules = useRules();
  const remove = useDeleteRule();
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  return (
    <Card
      title={t('rulesTitle')}
      style={{ marginBottom: 16 }}
      extra={
        canConfigure(region) ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="rule-create">
            {t('ruleCreate')}
          </Button>
        ) : null
      }
    >
      <Table<Rule>
        rowKey="id"
        size="small"
        pagination={false}
        loading={rules.isLoading}
        dataSource={rules.data ?? []}
        data-testid="rules-table"
        scroll={{ x: 900 }}
        columns={[
          { title: t('ruleName'), dataIndex: 'name' },
          { title: t('region'), dataIndex: 'regionCode', width: 90 },
          {
            title: t('kind'),
            dataIndex: 'kinds',
            render: (v: Rule['kinds']) => v.map((k) => label(EXCHANGE_KIND_LABELS, k)).join('、'),
          },
          {
            title: t('ruleCycle'),
            render: (_, r) => t('cycleEvery', { years: r.cycleYears, from: r.cycleStartYear }),
          },
          {
            title: t('ageLimit'),
            render: (_, r) =>
              [
                r.maleMaxAge ? t('maleUnder', { age: r.maleMaxAge }) : null,
                r.femaleMaxAge ? t('femaleUnder', { age: r.femaleMaxAge }) : null,
              ]
                .filter(Boolean)
                .join(' · ') || '—',
          },
          {
            title: t('locationClass'),
            dataIndex: 'locationClasses',
            render: (v: Rule['locationClasses']) => v.map((k) => label(LOCATION_CLASS_LABELS, k)).join('、'),
          },
          {
            title: t('ruleActive'),
            dataIndex: 'isActive',
            width: 80,
            render: (v: boolean) => (v ? <Tag color="green">{t('common:yes')}</Tag> : <Tag>{t('common:no')}</Tag>),
          },
          {
            title: '',
            width: 120,
            render: (_, r) =>
              canConfigure(r.regionCode) ? (
                <Space size={0}>
                  <Button size="small" type="link" onClick={() => setEditing(r)} data-testid={`rule-edit-${r.id}`}>
                    {t('common:edit')}
                  </Button>
                  <Popconfirm
                    title={t('ruleDeleteConfirm')}
                    onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
                  >
                    <Button size="small" type="link" danger>
                      {t('common:delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ) : null,
          },
        ]}
      />
      <RuleForm rule={editing} region={region} onClose={() => setEditing(null)} />
    </Card>
  );
}

function RuleForm({ rule, region, onClose }: { rule: Rule | 'new' | null; region?: string; onClose: () => void }) {
  const { t } = useTranslation('exchange');
  const [form] = Form.useForm<RuleInput>();
  const create = useCreateRule();
  const update = useUpdateRule();
  const req = [{ required: true, message: t('common:required') }];
  const existing = rule && rule !== 'new' ? rule : null;
  const initial: Partial<RuleInput> = existing
    ? { ...existing, maleMaxAge: existing.maleMaxAge, femaleMaxAge: existing.femaleMaxAge }
    : {
        regionCode: region,
        kinds: ['rotation'],
        cycleYears: 6,
        cycleStartYear: new Date().getFullYear(),
        locationClasses: ['urban', 'town', 'rural'],
        isActive: true,
      };
  return (
    <FormDrawer<RuleInput>
      open={rule !== null}
      form={form}
      title={existing ? t('ruleEdit') : t('ruleCreate')}
      onClose={onClose}
      width={640}
      initialValues={initial}
      testId="rule-form"
      onSubmit={(v) => {
        const body = { ...v, maleMaxAge: v.maleMaxAge ?? null, femaleMaxAge: v.femaleMaxAge ?? null };
        return existing ? update.mutateAsync({ id: existing.id, body }) : create.mutateAsync(body);
      }}
    >
      <Row gutter={12}>
        <Col xs={24} sm={16}>
          <Form.Item name="name" label={t('ruleName')} rules={req}>
            <Input maxLength={100} data-testid="rule-name" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="regionCode" label={t('region')} rules={req}>
            <Input maxLength={6} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="kinds" label={t('kind')} rules={req}>
            <EnumSelect labels={EXCHANGE_KIND_LABELS} mode="multiple" />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="cycleYears" label={t('cycleYears')} rules={req}>
            <InputNumber min={1} max={10} style={{ width: '100%' }} data-testid="rule-cycle-years" />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="cycleStartYear" label={t('cycleStartYear')} rules={req}>
            <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="maleMaxAge" label={t('maleMaxAge')}>
            <InputNumber min={18} max={70} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name="femaleMaxAge" label={t('femaleMaxAge')}>
            <InputNumber min={18} max={70} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="locationClasses" label={t('locationClass')} rules={req}>
            <EnumSelect labels={LOCATION_CLASS_LABELS} mode="multiple" />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="isActive" label={t('ruleActive')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </FormDrawer>
  );
}

type SettingsValues = Omit<Settings, 'regionCode' | 'appliesFrom' | 'schoolDayStart' | 'schoolDayEnd'> & {
  schoolDay: [Dayjs, Dayjs];
};

function RegionSettingsCard({ region, editable }: { region: string; editable: boolean }) {
  const { t } = useTranslation('exchange');
  const { data } = useSettings(region);
  const save = useSaveSettings();
  const [form] = Form.useForm<SettingsValues>();
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  if (!data) return <Card loading title={t('regionSettingsTitle')} />;
  const source =
    data.appliesFrom === null
      ? t('settingsDefault')
      : data.appliesFrom === region
        ? t('settingsOwn')
        : t('settingsInherited', { region: data.appliesFrom });
  const startEdit = () => {
    form.setFieldsValue({
      dayHours: data.dayHours,
      schoolDay: [dayjs(data.schoolDayStart, 'HH:mm'), dayjs(data.schoolDayEnd, 'HH:mm')],
      observationsPerMonth: data.observationsPerMonth,
      structureFloor: data.structureFloor,
      promotionMonths: data.promotionMonths,
    });
    setErrors([]);
    setEditing(true);
  };
  const submit = async () => {
    let v: SettingsValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      await save.mutateAsync({
        region,
        body: {
          dayHours: v.dayHours,
          schoolDayStart: v.schoolDay[0].format('HH:mm'),
          schoolDayEnd: v.schoolDay[1].format('HH:mm'),
          observationsPerMonth: v.observationsPerMonth,
          structureFloor: v.structureFloor,
          promotionMonths: v.promotionMonths,
        },
      });
      setEditing(false);
    } catch (e) {
      setErrors(
        applyServerErrors(form, e, (f) => (f[0] === 'schoolDayStart' || f[0] === 'schoolDayEnd' ? ['schoolDay'] : f)),
      );
    }
  };
  const req = [{ required: true, message: t('common:required') }];
  return (
    <Card
      title={t('regionSettingsTitle')}
      data-testid="region-settings"
      extra={
        editable && !editing ? (
          <Button onClick={startEdit} data-testid="region-settings-edit">
            {t('common:edit')}
          </Button>
        ) : null
      }
    >
      {editing ? (
        <Form form={form} layout="vertical" style={{ maxWidth: 640 }}>
          <FormErrors errors={errors} />
          <Row gutter={12}>
            <Col xs={12}>
              <Form.Item name="dayHours" label={t('dayHours')} rules={req}>
                <InputNumber min={0.5} max={12} step={0.5} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name="schoolDay" label={t('schoolDay')} rules={req}>
                <TimePicker.RangePicker format="HH:mm" minuteStep={5} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name="observationsPerMonth" label={t('observationsPerMonth')} rules={req}>
                <InputNumber min={1} max={20} style={{ width: '100%' }} data-testid="settings-observations" />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name="structureFloor" label={t('structureFloor')} rules={req} extra={t('structureFloorHint')}>
                <InputNumber min={0} max={1} step={0.01} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name="promotionMonths" label={t('promotionMonths')} rules={req}>
                <InputNumber min={0} max={120} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Space>
            <Button onClick={() => setEditing(false)}>{t('common:cancel')}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="settings-save">
              {t('common:save')}
            </Button>
          </Space>
        </Form>
      ) : (
        <Descriptions column={{ xs: 1, sm: 2 }} size="small">
          <Descriptions.Item label={t('settingsSource')}>{source}</Descriptions.Item>
          <Descriptions.Item label={t('dayHours')}>{data.dayHours}</Descriptions.Item>
          <Descriptions.Item label={t('schoolDay')}>
            {data.schoolDayStart}–{data.schoolDayEnd}
          </Descriptions.Item>
          <Descriptions.Item label={t('observationsPerMonth')}>
            <span data-testid="settings-observations-value">{data.observationsPerMonth}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('structureFloor')}>{Math.round(data.structureFloor * 100)}%</Descriptions.Item>
          <Descriptions.Item label={t('promotionMonths')}>{data.promotionMonths}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
