import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Rate, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  CULTURE_FORMAT_LABELS,
  DEMO_LESSON_TYPE_LABELS,
  EXCHANGE_FORMAT_LABELS,
  RESEARCH_FORMAT_LABELS,
  RUBRIC_CRITERIA,
  RUBRIC_LABELS,
  SYNC_MODE_LABELS,
  type ActivityKind,
} from '../../../shared/activities.schemas';
import { SUBJECT_LABELS } from '../../../shared/enums';
import { EnumSelect } from '../../components/EnumSelect';
import { useLabels } from '../../components/labels';
import { SchoolSelect, TeacherPickSelect } from '../../components/RemoteSelect';

const GRADES = [1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The typed detail fields of one activity kind (names under `details`, as the API takes them). */
export function DetailFields({
  kind,
  communityId,
  organizerSchoolId,
}: {
  kind: ActivityKind;
  communityId?: number;
  organizerSchoolId?: number;
}) {
  const { t } = useTranslation('activities');
  const { label, grade: gradeWord } = useLabels();
  const req = [{ required: true, message: t('common:required') }];
  const d = (k: string) => ['details', k];
  const col = (span: number, node: React.ReactNode, key: string) => (
    <Col xs={24} sm={span} key={key}>
      {node}
    </Col>
  );
  const grade = (k = 'grade') =>
    col(
      8,
      <Form.Item name={d(k)} label={t('f.grade')} rules={req}>
        <EnumSelectNum values={GRADES} render={(g) => gradeWord(g)} testId={`f-${k}`} />
      </Form.Item>,
      k,
    );
  const subject = col(
    8,
    <Form.Item name={d('subject')} label={t('f.subject')} rules={req}>
      <EnumSelect labels={SUBJECT_LABELS} data-testid="f-subject" />
    </Form.Item>,
    'subject',
  );
  const text = (k: string, span = 12, required = true) =>
    col(
      span,
      <Form.Item name={d(k)} label={t(`f.${k}`)} rules={required ? req : []}>
        <Input data-testid={`f-${k}`} />
      </Form.Item>,
      k,
    );
  const number = (k: string, min: number, max: number, span = 8, step = 1) =>
    col(
      span,
      <Form.Item name={d(k)} label={t(`f.${k}`)} rules={req}>
        <InputNumber min={min} max={max} step={step} style={{ width: '100%' }} data-testid={`f-${k}`} />
      </Form.Item>,
      k,
    );
  const teacher = (k: string, filters: Record<string, number | undefined>) =>
    col(
      12,
      <Form.Item name={d(k)} label={t(`f.${k}`)} rules={req}>
        <TeacherPickSelect filters={filters} data-testid={`f-${k}`} />
      </Form.Item>,
      k,
    );

  switch (kind) {
    case 'sync_class':
      return (
        <>
          <Row gutter={12}>
            {col(
              8,
              <Form.Item name={d('mode')} label={t('f.mode')} rules={req}>
                <EnumSelect labels={SYNC_MODE_LABELS} data-testid="f-mode" />
              </Form.Item>,
              'mode',
            )}
            {teacher('hostTeacherId', { schoolId: organizerSchoolId })}
            {text('hostClass', 8)}
            {subject}
            {grade()}
            {text('meetingUrl', 24, false)}
          </Row>
          <Form.List name={['details', 'receiving']}>
            {(fields, { add, remove }) => (
              <>
                <div style={{ marginBottom: 8 }}>{t('f.receiving')}</div>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap style={{ display: 'flex', marginBottom: 4 }}>
                    <Form.Item name={[f.name, 'schoolId']} rules={req} style={{ minWidth: 200 }}>
                      <SchoolSelect
                        filters={{ communityId }}
                        placeholder={t('f.receivingSchool')}
                        data-testid={`f-receiving-${f.name}-school`}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'className']} rules={req}>
                      <Input
                        placeholder={t('f.className')}
                        style={{ width: 110 }}
                        data-testid={`f-receiving-${f.name}-class`}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'expectedStudents']} rules={req}>
                      <InputNumber
                        min={0}
                        max={80}
                        placeholder={t('f.students')}
                        style={{ width: 90 }}
                        data-testid={`f-receiving-${f.name}-students`}
                      />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ expectedStudents: 40 })}
                  style={{ marginBottom: 16 }}
                  data-testid="f-receiving-add"
                >
                  {t('f.addReceiving')}
                </Button>
              </>
            )}
          </Form.List>
        </>
      );
    case 'joint_prep':
      return (
        <Row gutter={12}>
          {grade()}
          {subject}
          {text('unit', 8)}
        </Row>
      );
    case 'research':
      return (
        <Row gutter={12}>
          {text('theme', 16)}
          {col(
            8,
            <Form.Item name={d('format')} label={t('f.format')} rules={req}>
              <EnumSelect labels={RESEARCH_FORMAT_LABELS} />
            </Form.Item>,
            'format',
          )}
        </Row>
      );
    case 'lecture':
      return (
        <Row gutter={12}>
          {text('speaker', 8)}
          {text('topic', 16)}
          {text('audience', 24)}
        </Row>
      );
    case 'demo_lesson':
      return (
        <Row gutter={12}>
          {col(
            8,
            <Form.Item name={d('type')} label={t('f.type')} rules={req}>
              <EnumSelect labels={DEMO_LESSON_TYPE_LABELS} />
            </Form.Item>,
            'type',
          )}
          {teacher('teacherId', { communityId })}
          {subject}
          {grade()}
          {text('lessonTitle', 16)}
        </Row>
      );
    case 'observation':
      return (
        <Row gutter={12}>
          {teacher('observerTeacherId', { communityId })}
          {teacher('observedTeacherId', { communityId })}
          {subject}
          {grade()}
          {text('lessonTitle', 8)}
          {RUBRIC_CRITERIA.map((c) =>
            col(
              12,
              <Form.Item name={['details', 'rubric', c]} label={label(RUBRIC_LABELS, c)} rules={req}>
                <Rate />
              </Form.Item>,
              c,
            ),
          )}
          {col(
            24,
            <Form.Item
              name={d('feedback')}
              label={t('f.feedback')}
              rules={[...req, { min: 10, message: t('f.feedbackMin') }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>,
            'feedback',
          )}
        </Row>
      );
    case 'shared_course':
      return (
        <Row gutter={12}>
          {text('courseName', 12)}
          {number('classHours', 0.5, 20, 6, 0.5)}
          {number('studentsReached', 0, 2000, 6)}
        </Row>
      );
    case 'student_exchange':
      return (
        <Row gutter={12}>
          {col(
            12,
            <Form.Item name={d('format')} label={t('f.format')} rules={req}>
              <EnumSelect labels={EXCHANGE_FORMAT_LABELS} />
            </Form.Item>,
            'format',
          )}
          {number('pairs', 0, 1000, 12)}
        </Row>
      );
    case 'culture':
      return (
        <Row gutter={12}>
          {col(
            8,
            <Form.Item name={d('format')} label={t('f.format')} rules={req}>
              <EnumSelect labels={CULTURE_FORMAT_LABELS} />
            </Form.Item>,
            'format',
          )}
          {text('theme', 16)}
        </Row>
      );
    case 'management_visit':
      return (
        <Row gutter={12}>
          {text('theme', 16)}
          {number('regulationsRevised', 0, 500, 8)}
        </Row>
      );
    case 'training':
      return (
        <Row gutter={12}>
          {text('topic', 12)}
          {text('trainer', 6, false)}
          {number('hours', 0.5, 200, 6, 0.5)}
        </Row>
      );
  }
}

function EnumSelectNum({
  values,
  render,
  testId,
  ...rest
}: {
  values: number[];
  render: (v: number) => string;
  testId: string;
  value?: number;
  onChange?: (v: number) => void;
}) {
  return (
    <EnumSelect
      labels={Object.fromEntries(values.map((v) => [String(v), { zh: render(v), en: render(v) }]))}
      {...rest}
      value={rest.value === undefined ? undefined : String(rest.value)}
      onChange={(v: string) => rest.onChange?.(Number(v))}
      data-testid={testId}
    />
  );
}
