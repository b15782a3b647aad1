import { Col, Form, Input, InputNumber, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  GENDER_LABELS,
  QUALIFICATION_LABELS,
  SUBJECT_LABELS,
  TEACHER_HONOUR_LABELS,
  TEACHER_POST_LABELS,
  TEACHER_STATUS_LABELS,
  TEACHER_TITLE_LABELS,
} from '../../../shared/enums';
import type { Teacher, TeacherInput } from '../../../shared/registry.schemas';
import { useCreateTeacher, useUpdateTeacher } from '../../api/registry';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { SchoolSelect } from '../../components/RemoteSelect';

export function TeacherFormDrawer({
  open,
  teacher,
  defaultSchool,
  onClose,
}: {
  open: boolean;
  teacher?: Teacher | null;
  defaultSchool?: { id: number; name: string };
  onClose: () => void;
}) {
  const { t } = useTranslation('teachers');
  const [form] = Form.useForm<TeacherInput>();
  const create = useCreateTeacher();
  const update = useUpdateTeacher();
  const initial: Partial<TeacherInput> = teacher
    ? { ...teacher, majorSubject: teacher.majorSubject ?? undefined, qualification: teacher.qualification ?? undefined }
    : { title: 'none', status: 'active', subjects: [], honours: [], posts: [], schoolId: defaultSchool?.id };
  const schoolOption = teacher
    ? [{ value: teacher.schoolId, label: teacher.schoolName }]
    : defaultSchool
      ? [{ value: defaultSchool.id, label: defaultSchool.name }]
      : undefined;

  const onSubmit = async (v: TeacherInput) => {
    const body = {
      ...v,
      majorSubject: v.majorSubject ?? null,
      qualification: v.qualification ?? null,
      birthYear: v.birthYear ?? null,
      hireYear: v.hireYear ?? null,
    };
    if (teacher) await update.mutateAsync({ id: teacher.id, patch: body });
    else await create.mutateAsync(body);
  };
  const req = [{ required: true, message: t('common:required') }];
  return (
    <FormDrawer<TeacherInput>
      open={open}
      form={form}
      title={teacher ? t('editTitle', { name: teacher.name }) : t('createTitle')}
      onClose={onClose}
      onSubmit={onSubmit}
      initialValues={initial}
      testId="teacher-form"
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="teacherCode" label={t('teacherCode')} rules={req} extra={t('teacherCodeHint')}>
            <Input data-testid="teacher-code" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="name" label={t('name')} rules={req}>
            <Input data-testid="teacher-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="schoolId" label={t('school')} rules={req}>
            <SchoolSelect initialOptions={schoolOption} data-testid="teacher-school" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="gender" label={t('gender')} rules={req}>
            <EnumSelect labels={GENDER_LABELS} data-testid="teacher-gender" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="status" label={t('status')}>
            <EnumSelect labels={TEACHER_STATUS_LABELS} allowClear={false} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="birthYear" label={t('birthYear')}>
            <InputNumber min={1940} max={2010} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="hireYear" label={t('hireYear')}>
            <InputNumber min={1950} max={2100} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="phone" label={t('phone')}>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="subjects" label={t('subjects')} extra={t('subjectsHint')}>
            <EnumSelect labels={SUBJECT_LABELS} mode="multiple" maxCount={6} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="majorSubject" label={t('majorSubject')} extra={t('majorSubjectHint')}>
            <EnumSelect labels={SUBJECT_LABELS} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="title" label={t('title')}>
            <EnumSelect labels={TEACHER_TITLE_LABELS} allowClear={false} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="qualification" label={t('qualification')}>
            <EnumSelect labels={QUALIFICATION_LABELS} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="honours" label={t('honours')}>
            <EnumSelect labels={TEACHER_HONOUR_LABELS} mode="multiple" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="posts" label={t('posts')}>
            <EnumSelect labels={TEACHER_POST_LABELS} mode="multiple" />
          </Form.Item>
        </Col>
      </Row>
    </FormDrawer>
  );
}
