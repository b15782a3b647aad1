import { Form, Input, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CourseInput } from '../../../shared/resources.schemas';
import { useCreateCourse } from '../../api/resources';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { useLabels } from '../../components/labels';
import { CommunitySelect, SchoolSelect } from '../../components/RemoteSelect';
import { GRADE_LABELS, SUBJECT_LABELS } from './labels';
import { useChoose } from '../../components/formRules';

type Values = Omit<CourseInput, 'targetGrades'> & { targetGrades: string[] };

export function CourseFormDrawer({ open, year, onClose }: { open: boolean; year: number; onClose: () => void }) {
  const { t } = useTranslation('resources');
  const choose = useChoose();
  const { options } = useLabels();
  const [form] = Form.useForm<Values>();
  const create = useCreateCourse();
  return (
    <FormDrawer<Values>
      open={open}
      title={t('courses.create')}
      form={form}
      onClose={onClose}
      initialValues={{ schoolYear: year, openSchoolIds: [], targetGrades: [] }}
      onSubmit={(v) => create.mutateAsync({ ...v, targetGrades: v.targetGrades.map(Number) })}
      testId="course-form"
    >
      <Form.Item name="title" label={t('courses.course')} rules={[{ required: true, max: 100 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="subject" label={t('courses.subject')} rules={[choose(t('courses.subject'))]}>
        <EnumSelect labels={SUBJECT_LABELS} />
      </Form.Item>
      <Form.Item name="targetGrades" label={t('courses.targetGrades')} rules={[choose(t('courses.targetGrades'))]}>
        <Select mode="multiple" options={options(GRADE_LABELS)} />
      </Form.Item>
      <Form.Item name="ownerSchoolId" label={t('courses.owner')} rules={[choose(t('courses.owner'))]}>
        <SchoolSelect />
      </Form.Item>
      <Form.Item name="communityId" label={t('courses.community')}>
        <CommunitySelect />
      </Form.Item>
      <Form.Item name="openSchoolIds" label={t('courses.openSchools')}>
        <SchoolSelect mode="multiple" />
      </Form.Item>
      <Form.Item name="schoolYear" label={t('courses.schoolYear')} rules={[{ required: true }]}>
        <InputNumber min={2015} max={2100} />
      </Form.Item>
      <Form.Item name="description" label={t('courses.description')}>
        <Input.TextArea rows={3} />
      </Form.Item>
    </FormDrawer>
  );
}
