import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_KIND_LABELS, type WorkPlan, type WorkPlanInput } from '../../../shared/activities.schemas';
import { semesterRange } from '../../../shared/activities.semester';
import { SUBJECT_LABELS } from '../../../shared/enums';
import { useSavePlan } from '../../api/activities';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { SchoolSelect } from '../../components/RemoteSelect';
import { isPhone } from './shared';

/** A semester work plan: targets per kind, optionally per school, grade+subject, or month. */
export function PlanFormDrawer({
  open,
  onClose,
  communityId,
  semester,
  plan,
}: {
  open: boolean;
  onClose: () => void;
  communityId: number;
  semester: string;
  plan?: WorkPlan;
}) {
  const { t } = useTranslation('activities');
  const [form] = Form.useForm<WorkPlanInput>();
  const save = useSavePlan();
  const months = semesterRange(semester)?.months ?? [];
  const initial: Partial<WorkPlanInput> = plan
    ? {
        title: plan.title,
        notes: plan.notes,
        targets: plan.targets.map(({ id: _id, schoolName: _s, ...x }) => x) as WorkPlanInput['targets'],
      }
    : {
        title: t('planDefaultTitle'),
        targets: [
          { kind: 'sync_class', count: 8, cadence: 'monthly' },
          { kind: 'joint_prep', count: 4, cadence: 'semester' },
          { kind: 'lecture', count: 2, cadence: 'semester' },
        ],
      };
  const req = [{ required: true, message: t('common:required') }];
  return (
    <FormDrawer<WorkPlanInput>
      open={open}
      form={form}
      title={t('planTitle')}
      onClose={onClose}
      width={isPhone() ? window.innerWidth : 900}
      initialValues={initial}
      testId="plan-form"
      onSubmit={(v) => save.mutateAsync({ id: plan?.id, body: { ...v, communityId, semester } })}
    >
      <Form.Item name="title" label={t('f.title')} rules={req}>
        <Input data-testid="plan-title" />
      </Form.Item>
      <Form.List name="targets">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} wrap align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
                <Form.Item name={[f.name, 'kind']} rules={req}>
                  <EnumSelect
                    labels={ACTIVITY_KIND_LABELS}
                    style={{ width: 140 }}
                    placeholder={t('f.kind')}
                    data-testid={`target-${f.name}-kind`}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'cadence']} initialValue="semester">
                  <Select
                    style={{ width: 100 }}
                    options={[
                      { value: 'semester', label: t('cadence.semester') },
                      { value: 'monthly', label: t('cadence.monthly') },
                    ]}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'count']} rules={req}>
                  <InputNumber
                    min={1}
                    max={1000}
                    placeholder={t('target')}
                    style={{ width: 80 }}
                    data-testid={`target-${f.name}-count`}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'schoolId']}>
                  <SchoolSelect filters={{ communityId }} placeholder={t('anySchool')} style={{ width: 200 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'grade']}>
                  <InputNumber min={1} max={9} placeholder={t('f.grade')} style={{ width: 80 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'subject']}>
                  <EnumSelect labels={SUBJECT_LABELS} placeholder={t('f.subject')} style={{ width: 110 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'month']}>
                  <Select
                    allowClear
                    placeholder={t('month')}
                    style={{ width: 110 }}
                    options={months.map((m) => ({ value: m, label: m }))}
                  />
                </Form.Item>
                <MinusCircleOutlined onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ cadence: 'semester', count: 1 })}
              data-testid="target-add"
            >
              {t('addTarget')}
            </Button>
          </>
        )}
      </Form.List>
      <Form.Item name="notes" label={t('f.description')} style={{ marginTop: 16 }}>
        <Input.TextArea rows={3} />
      </Form.Item>
    </FormDrawer>
  );
}
