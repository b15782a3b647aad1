import { Col, Divider, Form, InputNumber, Row, Switch } from 'antd';
import { currentSchoolYear } from '../../../shared/beijing-time';
import { useTranslation } from 'react-i18next';
import { CLASS_SIZE_BAND_LABELS, CLASS_SIZE_BANDS, QUALIFICATION_LABELS, QUALIFICATIONS } from '../../../shared/enums';
import { STUDENT_GRADES } from '../../../shared/grades';
import type { SchoolYearStats, SchoolYearStatsInput } from '../../../shared/registry.schemas';
import { useUpsertStats } from '../../api/registry';
import { FormDrawer } from '../../components/FormDrawer';
import { useLabels } from '../../components/labels';
import { SchoolSelect } from '../../components/RemoteSelect';

/** The statistics contract's grade keys '1'…'12' (twelve-year schools report senior grades too). */
const GRADES = STUDENT_GRADES;

/** Drops empty cells of a breakdown so the server gets only what was filled in. */
function compact(rec: Record<string, number | null | undefined> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(rec ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])),
  );
}

export function StatsFormDrawer({
  open,
  record,
  defaultSchool,
  onClose,
}: {
  open: boolean;
  record?: SchoolYearStats | null;
  defaultSchool?: { id: number; name: string };
  onClose: () => void;
}) {
  const { t } = useTranslation('stats');
  const { label, grade } = useLabels();
  const [form] = Form.useForm<SchoolYearStatsInput>();
  const upsert = useUpsertStats();
  const thisYear = currentSchoolYear();
  const initial: Partial<SchoolYearStatsInput> = record ?? {
    schoolYear: thisYear,
    schoolId: defaultSchool?.id,
    isStandardized: false,
  };
  const schoolOption = record
    ? [{ value: record.schoolId, label: record.schoolName }]
    : defaultSchool
      ? [{ value: defaultSchool.id, label: defaultSchool.name }]
      : undefined;

  const onSubmit = async (v: SchoolYearStatsInput) => {
    await upsert.mutateAsync({
      ...v,
      studentsByGrade: compact(v.studentsByGrade),
      classesBySizeBand: compact(v.classesBySizeBand),
      teachersByQualification: compact(v.teachersByQualification),
      teachersByHonour: compact(v.teachersByHonour),
      teachersBySubject: compact(v.teachersBySubject),
      isStandardized: !!v.isStandardized,
    });
  };
  const req = [{ required: true, message: t('common:required') }];
  const n = (
    name: string | (string | number)[],
    text: string,
    opts: { required?: boolean; span?: number; max?: number; precision?: number } = {},
  ) => (
    <Col span={opts.span ?? 8} key={String(name)}>
      <Form.Item name={name} label={text} rules={opts.required ? req : undefined}>
        <InputNumber min={0} max={opts.max ?? 100000} precision={opts.precision ?? 0} style={{ width: '100%' }} />
      </Form.Item>
    </Col>
  );
  return (
    <FormDrawer<SchoolYearStatsInput>
      open={open}
      form={form}
      width={760}
      title={record ? t('editTitle', { name: record.schoolName, year: record.schoolYear }) : t('createTitle')}
      onClose={onClose}
      onSubmit={onSubmit}
      initialValues={initial}
      testId="stats-form"
    >
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item name="schoolId" label={t('school')} rules={req}>
            <SchoolSelect initialOptions={schoolOption} disabled={!!record} data-testid="stats-school" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="schoolYear" label={t('schoolYear')} rules={req} extra={t('schoolYearHint')}>
            <InputNumber
              min={1990}
              max={2100}
              precision={0}
              style={{ width: '100%' }}
              disabled={!!record}
              data-testid="stats-year"
            />
          </Form.Item>
        </Col>
        {n('studentsTotal', t('studentsTotal'), { required: true })}
        {n('classesTotal', t('classesTotal'), { required: true })}
        {n('teachersTotal', t('teachersTotal'), { required: true })}
      </Row>
      <Divider titlePlacement="start">{t('classesBySizeBand')}</Divider>
      <Row gutter={16}>
        {CLASS_SIZE_BANDS.map((b) => n(['classesBySizeBand', b], label(CLASS_SIZE_BAND_LABELS, b), { span: 6 }))}
      </Row>
      <Divider titlePlacement="start">{t('studentsByGrade')}</Divider>
      <Row gutter={16}>{GRADES.map((g) => n(['studentsByGrade', g], grade(g), { span: 6 }))}</Row>
      <Divider titlePlacement="start">{t('teachersByQualification')}</Divider>
      <Row gutter={16}>
        {QUALIFICATIONS.map((q) => n(['teachersByQualification', q], label(QUALIFICATION_LABELS, q), { span: 8 }))}
      </Row>
      <Divider titlePlacement="start">{t('teacherIndicators')}</Divider>
      <Row gutter={16}>
        {n('teachersAboveQualification', t('teachersAboveQualification'))}
        {n('backboneTeachers', t('backboneTeachers'))}
        {n('peArtTeachers', t('peArtTeachers'))}
      </Row>
      <Divider titlePlacement="start">{t('facilities')}</Divider>
      <Row gutter={16}>
        {n('buildingArea', t('buildingArea'), { max: 10_000_000, precision: 1 })}
        {n('teachingAuxArea', t('teachingAuxArea'), { max: 10_000_000, precision: 1 })}
        {n('sportsGroundArea', t('sportsGroundArea'), { max: 10_000_000, precision: 1 })}
        {n('equipmentValue', t('equipmentValue'), { max: 10_000_000_000, precision: 2 })}
        {n('multimediaClassrooms', t('multimediaClassrooms'))}
        {n('recordingClassrooms', t('recordingClassrooms'))}
        <Col span={8}>
          <Form.Item name="isStandardized" label={t('isStandardized')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </FormDrawer>
  );
}
