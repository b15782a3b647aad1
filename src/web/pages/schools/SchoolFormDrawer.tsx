import { Col, Divider, Form, Input, InputNumber, Row, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { LOCATION_CLASS_LABELS, QUALITY_TIER_LABELS, SCHOOL_LEVEL_LABELS } from '../../../shared/enums';
import type { School, SchoolInput } from '../../../shared/registry.schemas';
import { useCreateSchool, useUpdateSchool } from '../../api/registry';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { RegionSelect, SchoolSelect } from '../../components/RemoteSelect';

type Values = SchoolInput & { isActive?: boolean };

/** Create (school undefined) or edit a school; every field of schoolInput. */
export function SchoolFormDrawer({
  open,
  school,
  onClose,
  onSaved,
}: {
  open: boolean;
  school?: School | null;
  onClose: () => void;
  onSaved?: (s: School) => void;
}) {
  const { t } = useTranslation('schools');
  const [form] = Form.useForm<Values>();
  const create = useCreateSchool();
  const update = useUpdateSchool();
  const regionCode = Form.useWatch('regionCode', form);
  const isTeachingPoint = Form.useWatch('isTeachingPoint', form);

  const initial: Partial<Values> = school
    ? {
        ...school,
        shortName: school.shortName ?? undefined,
        qualityTier: school.qualityTier ?? undefined,
      }
    : { isTeachingPoint: false, hasRecordingClassroom: false, hasSyncClassroom: false };

  const onSubmit = async (v: Values) => {
    const body = {
      ...v,
      townshipCode: v.townshipCode || null,
      parentSchoolId: v.isTeachingPoint ? (v.parentSchoolId ?? null) : null,
      qualityTier: v.qualityTier ?? null,
    };
    const saved = school ? await update.mutateAsync({ id: school.id, patch: body }) : await create.mutateAsync(body);
    onSaved?.(saved);
  };

  const req = [{ required: true, message: t('common:required') }];
  return (
    <FormDrawer<Values>
      open={open}
      form={form}
      title={school ? t('editTitle', { name: school.name }) : t('createTitle')}
      onClose={onClose}
      onSubmit={onSubmit}
      initialValues={initial}
      testId="school-form"
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="code" label={t('code')} rules={req} extra={t('codeHint')}>
            <Input data-testid="school-code" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="name" label={t('name')} rules={req}>
            <Input data-testid="school-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="shortName" label={t('shortName')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="principalName" label={t('principalName')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="regionCode" label={t('region')} rules={req}>
            <RegionSelect
              filters={{ level: 3 }}
              initialOptions={
                school ? [{ value: school.regionCode, label: school.regionName ?? school.regionCode }] : undefined
              }
              onChange={() => form.setFieldValue('townshipCode', null)}
              data-testid="school-region"
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="townshipCode" label={t('township')}>
            <RegionSelect
              filters={{ level: 4, parent: regionCode }}
              disabled={!regionCode}
              initialOptions={
                school?.townshipCode
                  ? [{ value: school.townshipCode, label: school.townshipName ?? school.townshipCode }]
                  : undefined
              }
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="level" label={t('level')} rules={req}>
            <EnumSelect labels={SCHOOL_LEVEL_LABELS} data-testid="school-level" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="locationClass" label={t('locationClass')} rules={req}>
            <EnumSelect labels={LOCATION_CLASS_LABELS} data-testid="school-location" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="qualityTier" label={t('qualityTier')}>
            <EnumSelect labels={QUALITY_TIER_LABELS} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="isTeachingPoint" label={t('isTeachingPoint')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={16}>
          {isTeachingPoint ? (
            <Form.Item name="parentSchoolId" label={t('parentSchool')} extra={t('parentSchoolHint')}>
              <SchoolSelect
                initialOptions={
                  school?.parentSchoolId
                    ? [{ value: school.parentSchoolId, label: `#${school.parentSchoolId}` }]
                    : undefined
                }
              />
            </Form.Item>
          ) : null}
        </Col>
      </Row>
      <Divider titlePlacement="start">{t('sectionSize')}</Divider>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name="students" label={t('students')}>
            <InputNumber min={0} max={50000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="classes" label={t('classes')}>
            <InputNumber min={0} max={1000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="foundedYear" label={t('foundedYear')}>
            <InputNumber min={1800} max={2100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="hasRecordingClassroom" label={t('hasRecordingClassroom')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="hasSyncClassroom" label={t('hasSyncClassroom')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Divider titlePlacement="start">{t('sectionContact')}</Divider>
      <Row gutter={16}>
        <Col span={24}>
          <Form.Item name="address" label={t('address')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="phone" label={t('phone')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="latitude" label={t('latitude')}>
            <InputNumber min={3} max={54} step={0.000001} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="longitude" label={t('longitude')}>
            <InputNumber min={73} max={136} step={0.000001} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        {school ? (
          <Col span={8}>
            <Form.Item name="isActive" label={t('isActive')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
    </FormDrawer>
  );
}
