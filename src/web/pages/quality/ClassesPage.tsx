import { CloudUploadOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ClassInput, SchoolClass } from '../../../shared/quality.schemas';
import { useMe } from '../../api/auth';
import { useClasses, useCreateClass, useDeleteClass } from '../../api/quality';
import { FormDrawer } from '../../components/FormDrawer';
import { PageHeader } from '../../components/PageHeader';
import { SchoolSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { useOwnStudentSchool } from './ownSchool';
import { useLabels } from '../../components/labels';
import { useChoose } from '../../components/formRules';

/** Classes per school, school year and grade (score sheets name them). */
export default function ClassesPage() {
  const { t } = useTranslation('quality');
  const choose = useChoose();
  const { grade } = useLabels();
  const list = useListState();
  const { state, set, page, pageSize } = list;
  const { data, isFetching } = useClasses({ schoolId: state.schoolId, page, pageSize });
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<ClassInput>();
  const create = useCreateClass();
  const ownSchool = useOwnStudentSchool();
  // the import page serves these roles (the server checks each row's school)
  const { data: me } = useMe();
  const canImport = me?.role === 'bureau_admin' || me?.role === 'school_admin';
  const remove = useDeleteClass();
  return (
    <>
      <PageHeader
        title={t('classes.title')}
        extra={
          <Space>
            {canImport ? (
              <Link to="/imports?kind=classes">
                <Button icon={<CloudUploadOutlined />} data-testid="class-import">
                  {t('classes.import')}
                </Button>
              </Link>
            ) : null}
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="class-create">
              {t('classes.create')}
            </Button>
          </Space>
        }
      />
      <SchoolSelect
        style={{ width: 300, marginBottom: 16 }}
        value={state.schoolId ? Number(state.schoolId) : undefined}
        onChange={(v) => set({ schoolId: v === undefined ? undefined : String(v) })}
        placeholder={t('classes.school')}
      />
      <ListTable<SchoolClass>
        size="small"
        loading={isFetching}
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          { title: t('classes.school'), dataIndex: 'schoolName' },
          { title: t('exam.schoolYear'), dataIndex: 'schoolYear', render: (y: number) => `${y}–${y + 1}` },
          { title: t('exam.grade'), dataIndex: 'grade', render: (g: number) => grade(g) },
          { title: t('classes.name'), dataIndex: 'name' },
          // the students list (names) is for the class's own school; others see the count only
          {
            title: t('classes.students'),
            dataIndex: 'studentCount',
            align: 'right',
            render: (n: number, c) =>
              c.schoolId === ownSchool && n > 0 ? <Link to={`/quality/students?classId=${c.id}`}>{n}</Link> : n,
          },
          // a class that exam scores name is refused by the server, which says how many (the toast shows it)
          ...(canImport
            ? [
                {
                  title: '',
                  width: 80,
                  render: (_: unknown, c: SchoolClass) => (
                    <Popconfirm
                      title={t('classes.deleteConfirm')}
                      onConfirm={() => remove.mutateAsync(c.id).catch(() => undefined)}
                    >
                      <Button size="small" type="link" danger data-testid={`class-delete-${c.id}`}>
                        {t('common:delete')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      <FormDrawer<ClassInput>
        open={open}
        title={t('classes.create')}
        form={form}
        onClose={() => setOpen(false)}
        width={480}
        initialValues={{ schoolYear: 2026, grade: 6 }}
        onSubmit={(v) => create.mutateAsync(v)}
      >
        <Form.Item name="schoolId" label={t('classes.school')} rules={[choose(t('classes.school'))]}>
          <SchoolSelect />
        </Form.Item>
        <Form.Item name="schoolYear" label={t('exam.schoolYear')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="grade" label={t('exam.grade')} rules={[{ required: true }]}>
          <InputNumber min={1} max={12} />
        </Form.Item>
        <Form.Item name="name" label={t('classes.name')} rules={[{ required: true, message: t('common:required') }]}>
          <Input maxLength={30} placeholder="1班" />
        </Form.Item>
      </FormDrawer>
    </>
  );
}
