import { Alert, Col, DatePicker, Form, Input, InputNumber, Radio, Row } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { EXCHANGE_KIND_LABELS, EXCHANGE_STATUS_LABELS, WORKLOADS } from '../../../shared/exchange.enums';
import { itinerantHours } from '../../../shared/exchange.hours';
import type { Assignment, AssignmentInput, SlotInput } from '../../../shared/exchange.schemas';
import { useCreateAssignment, useUpdateAssignment } from '../../api/exchange';
import { fromIsoDate, toIsoDate } from '../../components/dates';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { hours, useLabels } from '../../components/labels';
import { SchoolSelect, TeacherSelect } from '../../components/RemoteSelect';
import { TimetableEditor } from './TimetableEditor';
import { WORKLOAD_LABELS } from '../../../shared/exchange.enums';

type Values = Omit<AssignmentInput, 'startDate' | 'endDate'> & { startDate?: Dayjs; endDate?: Dayjs };

/** Plan or edit an exchange; itinerant teaching gets a weekly timetable and a live hours preview. */
export function AssignmentFormDrawer({
  open,
  assignment,
  onClose,
}: {
  open: boolean;
  assignment?: Assignment | null;
  onClose: () => void;
}) {
  const { t } = useTranslation('exchange');
  const { options } = useLabels();
  const [form] = Form.useForm<Values>();
  const create = useCreateAssignment();
  const update = useUpdateAssignment();
  const kind = Form.useWatch('kind', form);
  const workload = Form.useWatch('workload', form);
  const start = Form.useWatch('startDate', form);
  const end = Form.useWatch('endDate', form);
  const slots = Form.useWatch('slots', form) as SlotInput[] | undefined;
  const valid = (slots ?? []).filter(
    (s) => s && /^\d\d:\d\d$/.test(s.startTime ?? '') && /^\d\d:\d\d$/.test(s.endTime ?? '') && s.weekday,
  );
  const preview =
    kind === 'itinerant' && start && end
      ? itinerantHours(start.format('YYYY-MM-DD'), end.format('YYYY-MM-DD'), valid)
      : null;

  const initial: Partial<Values> = assignment
    ? ({
        ...assignment,
        startDate: fromIsoDate(assignment.startDate),
        endDate: fromIsoDate(assignment.endDate),
        slots: assignment.slots.map((s) => ({
          weekday: s.weekday,
          startTime: s.startTime,
          endTime: s.endTime,
          className: s.className,
        })),
      } as Partial<Values>)
    : { kind: 'support_teaching', workload: 'full_time', status: 'planned', slots: [] };

  const onSubmit = async (v: Values) => {
    const body = {
      ...v,
      startDate: toIsoDate(v.startDate)!,
      endDate: toIsoDate(v.endDate)!,
      slots: v.kind === 'itinerant' ? (v.slots ?? []) : [],
      partTimeFraction: v.workload === 'part_time' ? (v.partTimeFraction ?? null) : null,
      hoursOverride: v.hoursOverride ?? null,
    } as AssignmentInput;
    if (assignment) await update.mutateAsync({ id: assignment.id, patch: body });
    else await create.mutateAsync(body);
  };

  const req = [{ required: true, message: t('common:required') }];
  return (
    <FormDrawer<Values>
      open={open}
      form={form}
      title={assignment ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={onSubmit}
      initialValues={initial}
      testId="assignment-form"
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="teacherId" label={t('teacher')} rules={req}>
            <TeacherSelect
              data-testid="assignment-teacher"
              initialOptions={assignment ? [{ value: assignment.teacherId, label: assignment.teacherName }] : undefined}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="kind" label={t('kind')} rules={req}>
            <EnumSelect labels={EXCHANGE_KIND_LABELS} allowClear={false} data-testid="assignment-kind" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="toSchoolId" label={t('toSchool')} rules={req} extra={t('fromSchoolHint')}>
            <SchoolSelect
              data-testid="assignment-to-school"
              initialOptions={
                assignment ? [{ value: assignment.toSchoolId, label: assignment.toSchoolName }] : undefined
              }
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="status" label={t('status')} rules={req}>
            <EnumSelect labels={EXCHANGE_STATUS_LABELS} allowClear={false} data-testid="assignment-status" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="startDate" label={t('startDate')} rules={req}>
            <DatePicker style={{ width: '100%' }} data-testid="assignment-start" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="endDate" label={t('endDate')} rules={req}>
            <DatePicker style={{ width: '100%' }} data-testid="assignment-end" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="workload" label={t('workload')}>
            <Radio.Group options={options(WORKLOAD_LABELS, WORKLOADS)} data-testid="assignment-workload" />
          </Form.Item>
        </Col>
        {workload === 'part_time' ? (
          <Col span={12}>
            <Form.Item
              name="partTimeFraction"
              label={t('partTimeFraction')}
              rules={req}
              extra={t('partTimeFractionHint')}
            >
              <InputNumber min={0.05} max={1} step={0.05} style={{ width: '100%' }} data-testid="assignment-fraction" />
            </Form.Item>
          </Col>
        ) : null}
        {kind === 'secondment' ? (
          <Col span={12}>
            <Form.Item name="postHeld" label={t('postHeld')} rules={req}>
              <Input placeholder={t('postHeldPlaceholder')} />
            </Form.Item>
          </Col>
        ) : null}
        <Col span={12}>
          <Form.Item name="allowanceYuan" label={t('allowance')}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      {kind === 'itinerant' ? (
        <>
          <Form.Item label={t('timetable')} required extra={t('timetableHint')}>
            <TimetableEditor />
          </Form.Item>
          {preview !== null ? (
            <Alert
              type="info"
              showIcon
              title={t('hoursPreview', { hours: hours(preview) })}
              style={{ marginBottom: 16 }}
              data-testid="hours-preview"
            />
          ) : null}
        </>
      ) : null}
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="hoursOverride" label={t('hoursOverride')} extra={t('hoursOverrideHint')}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="overrideReason" label={t('overrideReason')}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="note" label={t('note')}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </FormDrawer>
  );
}
