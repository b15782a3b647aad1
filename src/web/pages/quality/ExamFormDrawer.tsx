import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, Input, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { SUBJECT_LABELS, SUBJECTS } from '../../../shared/enums';
import { TERM_LABELS } from '../../../shared/quality.schemas';
import { useCreateExam } from '../../api/quality';
import { FormDrawer } from '../../components/FormDrawer';
import { useLabels } from '../../components/labels';
import { SchoolSelect } from '../../components/RemoteSelect';
import { toExamInput, type ExamFormValues } from './examForm';
import { useChoose } from '../../components/formRules';

const defaultSubject = { fullMark: 100, passLine: 60, excellentLine: 85, lowLine: 40 };

export function ExamFormDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('quality');
  const choose = useChoose();
  const { options, label } = useLabels();
  const [form] = Form.useForm<ExamFormValues>();
  const create = useCreateExam();
  return (
    <FormDrawer<ExamFormValues>
      open={open}
      title={t('exam.create')}
      form={form}
      onClose={onClose}
      testId="exam-form"
      initialValues={
        {
          term: 1,
          grade: 6,
          schoolYear: 2026,
          subjects: [
            { subject: 'chinese', ...defaultSubject },
            { subject: 'math', ...defaultSubject },
          ],
        } as Partial<ExamFormValues>
      }
      onSubmit={(v) => create.mutateAsync(toExamInput(v))}
    >
      <Form.Item name="name" label={t('exam.name')} rules={[{ required: true, message: t('common:required') }]}>
        <Input maxLength={100} data-testid="exam-name" />
      </Form.Item>
      <Space wrap>
        <Form.Item name="examDate" label={t('exam.date')} rules={[choose(t('exam.date'))]}>
          <DatePicker data-testid="exam-date" />
        </Form.Item>
        <Form.Item
          name="schoolYear"
          label={t('exam.schoolYear')}
          rules={[{ required: true }]}
          tooltip={t('exam.schoolYearHint')}
        >
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="term" label={t('exam.term')} rules={[choose(t('exam.term'))]}>
          <Select
            style={{ width: 120 }}
            options={([1, 2] as const).map((v) => ({ value: v, label: label(TERM_LABELS, v as never) }))}
          />
        </Form.Item>
        <Form.Item name="grade" label={t('exam.grade')} rules={[{ required: true }]}>
          <InputNumber min={1} max={12} />
        </Form.Item>
      </Space>
      <Form.Item name="schoolIds" label={t('exam.schools')} rules={[choose(t('exam.schools'))]}>
        <SchoolSelect mode="multiple" data-testid="exam-schools" />
      </Form.Item>
      <Form.List name="subjects">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <div key={f.key} style={{ border: '1px solid #f0f0f0', padding: 12, marginBottom: 8, borderRadius: 6 }}>
                <Space wrap align="start">
                  <Form.Item name={[f.name, 'subject']} label={t('exam.subject')} rules={[choose(t('exam.subject'))]}>
                    <Select style={{ width: 130 }} options={options(SUBJECT_LABELS, SUBJECTS)} />
                  </Form.Item>
                  {(['fullMark', 'excellentLine', 'passLine', 'lowLine'] as const).map((k) => (
                    <Form.Item key={k} name={[f.name, k]} label={t(`exam.${k}`)} rules={[{ required: true }]}>
                      <InputNumber min={0} max={1000} step={0.5} style={{ width: 90 }} />
                    </Form.Item>
                  ))}
                  <MinusCircleOutlined style={{ marginTop: 38 }} onClick={() => remove(f.name)} />
                </Space>
                <Form.Item
                  name={[f.name, 'items']}
                  label={t('exam.items')}
                  tooltip={t('exam.itemsHint')}
                  style={{ marginBottom: 0 }}
                >
                  <Input.TextArea rows={2} placeholder={t('exam.itemsPlaceholder')} />
                </Form.Item>
              </div>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ subject: 'english', ...defaultSubject })}
            >
              {t('exam.addSubject')}
            </Button>
          </>
        )}
      </Form.List>
    </FormDrawer>
  );
}
