import { Button, Card, Col, Form, Input, InputNumber, Progress, Radio, Row, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { defaultVisibility, TEXTBOOK_EDITIONS, visibilitiesFor } from '../../../shared/resources.enums';
import { ACCEPT_ATTRIBUTE, typeForFileName } from '../../../shared/resources.filetypes';
import type { ResourceInput } from '../../../shared/resources.schemas';
import { useMe } from '../../api/auth';
import { ApiError, errorText } from '../../api/client';
import { useSchool } from '../../api/registry';
import { uploadInChunks, useCreateResource } from '../../api/resources';
import { EnumSelect } from '../../components/EnumSelect';
import { FormErrors } from '../../components/FormErrors';
import { useChoose } from '../../components/formRules';
import { PageHeader } from '../../components/PageHeader';
import { CommunitySelect, SchoolSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';
import { GRADE_LABELS, RESOURCE_KIND_LABELS, RESOURCE_VISIBILITY_LABELS, SUBJECT_LABELS } from './labels';

type Values = Omit<ResourceInput, 'uploadId' | 'grade'> & { source: 'file' | 'link'; grade?: string };

/** Publish a resource: metadata, then a file (uploaded in chunks, with progress) or an external link. */
export default function UploadPage() {
  const { t } = useTranslation('resources');
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const { data: me } = useMe();
  const ownSchoolId = me?.scope.kind === 'school' ? Number(me.scope.id) : undefined;
  // a bureau may publish for a school of its county or, leaving the school empty, for the county itself
  const schoolOptional = me?.scope.kind === 'region';
  const { data: ownSchool } = useSchool(ownSchoolId);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const create = useCreateResource();
  const source = Form.useWatch('source', form);
  const schoolIdValue = Form.useWatch('schoolId', form);
  const communityIdValue = Form.useWatch('communityId', form);
  // the visibilities the server accepts for this owner (src/shared/resources.enums.ts)
  const ownerOf = (get: (name: keyof Values) => unknown) => ({
    school: !!(get('schoolId') ?? ownSchoolId),
    community: !!get('communityId'),
  });
  const visibilities = visibilitiesFor(
    ownerOf((n) => (n === 'schoolId' ? schoolIdValue : n === 'communityId' ? communityIdValue : undefined)),
  );
  // names of the communities the form may preselect, so the select shows a name and not an id
  const communityOptions = [
    ...(ownSchool?.communities ?? []).map((c) => ({ value: c.id, label: c.name })),
    ...(me?.scope.kind === 'community' ? [{ value: Number(me.scope.id), label: me.scopeName ?? me.scope.id }] : []),
  ];

  useEffect(() => {
    if (ownSchoolId) form.setFieldsValue({ schoolId: ownSchoolId });
    const communityId = me?.scope.kind === 'community' ? Number(me.scope.id) : ownSchool?.communities[0]?.id;
    if (communityId && !form.getFieldValue('communityId')) form.setFieldsValue({ communityId });
    // a visibility the user may publish with: 本教共体 needs a community, which a bureau or a school
    // outside any community has not got; 本校 needs a school, which a bureau's own resource has not got
    if (me && (!ownSchoolId || ownSchool) && !form.isFieldTouched('visibility'))
      form.setFieldsValue({ visibility: defaultVisibility({ school: !!ownSchoolId, community: !!communityId }) });
  }, [form, me, ownSchool, ownSchoolId]);
  const choose = useChoose();

  const submit = async (values: Values) => {
    setErrors([]);
    setBusy(true);
    try {
      let uploadId: string | undefined;
      if (values.source === 'file') {
        if (!file) throw new Error(t('chooseFile'));
        setProgress(0);
        const mime = typeForFileName(file.name) ?? file.type;
        const upload = await uploadInChunks(file, mime, (f) => setProgress(Math.round(f * 100)));
        uploadId = upload.id;
      }
      const { source: _s, grade, ...rest } = values;
      const created = await create.mutateAsync({
        ...rest,
        grade: grade ? Number(grade) : null,
        tags: values.tags ?? [],
        uploadId,
        url: values.source === 'link' ? values.url : undefined,
      });
      void navigate(`/resources/${created.id}`);
    } catch (e) {
      const unmatched = applyServerErrors(form, e);
      setErrors(unmatched.length || (e instanceof ApiError && e.body.details.length) ? unmatched : [errorText(e)]);
      setProgress(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('upload')} />
      <Card style={{ maxWidth: 960 }}>
        <FormErrors errors={errors} />
        <Form
          form={form}
          layout="vertical"
          initialValues={{ source: 'file', kind: 'courseware', tags: [] }}
          onFinish={(v) => void submit(v)}
          data-testid="resource-form"
        >
          <Form.Item name="source" label={t('field.source')}>
            <Radio.Group
              options={[
                { value: 'file', label: t('sourceFile') },
                { value: 'link', label: t('sourceLink') },
              ]}
            />
          </Form.Item>
          {source === 'link' ? (
            <Form.Item name="url" label={t('field.url')} rules={[{ required: true, type: 'url' }]}>
              <Input placeholder="https://" data-testid="resource-url" />
            </Form.Item>
          ) : (
            <Form.Item label={t('field.file')} required extra={t('fileHint')}>
              <input
                type="file"
                accept={ACCEPT_ATTRIBUTE}
                data-testid="resource-file"
                onChange={(e) => {
                  const f = e.target.files?.[0] ?? null;
                  setFile(f);
                  if (f && !form.getFieldValue('title')) form.setFieldsValue({ title: f.name.replace(/\.[^.]+$/, '') });
                  if (f && /^video\//.test(typeForFileName(f.name) ?? ''))
                    form.setFieldsValue({ kind: 'recorded_lesson' });
                }}
              />
              {progress !== null ? (
                <Progress percent={progress} status={busy ? 'active' : undefined} data-testid="upload-progress" />
              ) : null}
            </Form.Item>
          )}
          <Form.Item name="title" label={t('field.title')} rules={[{ required: true, max: 200 }]}>
            <Input data-testid="resource-title" />
          </Form.Item>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name="kind" label={t('field.kind')} rules={[choose(t('field.kind'))]}>
                <EnumSelect labels={RESOURCE_KIND_LABELS} allowClear={false} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="subject" label={t('field.subject')} rules={[choose(t('field.subject'))]}>
                <EnumSelect labels={SUBJECT_LABELS} data-testid="resource-subject" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="grade" label={t('field.grade')}>
                <EnumSelect labels={GRADE_LABELS} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="textbookEdition" label={t('field.textbookEdition')}>
                <Select allowClear showSearch options={TEXTBOOK_EDITIONS.map((e) => ({ value: e, label: e }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="unit" label={t('field.unit')}>
                <Input placeholder="第三单元 / Unit 3" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="tags" label={t('field.tags')} extra={t('tagsHint')}>
                <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
              </Form.Item>
            </Col>
            <Col span={8}>
              {ownSchoolId ? (
                <Form.Item label={t('field.school')}>
                  <Input value={ownSchool?.name ?? ''} disabled />
                </Form.Item>
              ) : null}
              <Form.Item
                name="schoolId"
                label={t('field.school')}
                rules={schoolOptional ? [] : [choose(t('field.school'))]}
                extra={schoolOptional ? t('schoolOptional') : undefined}
                hidden={!!ownSchoolId}
              >
                {ownSchoolId ? <InputNumber /> : <SchoolSelect data-testid="resource-school" />}
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="communityId"
                label={t('field.community')}
                dependencies={['schoolId']}
                rules={[
                  // a county's own resource is shared with the county, not in a community
                  ({ getFieldValue }) => ({
                    validator: (_r, v) =>
                      v && !getFieldValue('schoolId') && !ownSchoolId
                        ? Promise.reject(new Error(t('schoolForCommunity')))
                        : Promise.resolve(),
                  }),
                ]}
              >
                <CommunitySelect initialOptions={communityOptions} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="visibility"
                label={t('field.visibility')}
                dependencies={['communityId', 'schoolId']}
                rules={[
                  choose(t('field.visibility')),
                  // the server's rule, checked before the upload starts
                  ({ getFieldValue }) => ({
                    validator: (_r, v: Values['visibility'] | undefined) =>
                      !v || visibilitiesFor(ownerOf(getFieldValue)).includes(v)
                        ? Promise.resolve()
                        : Promise.reject(
                            new Error(t(v === 'school' ? 'schoolForVisibility' : 'communityForVisibility')),
                          ),
                  }),
                ]}
              >
                <EnumSelect
                  labels={RESOURCE_VISIBILITY_LABELS}
                  codes={visibilities}
                  allowClear={false}
                  data-testid="resource-visibility"
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label={t('field.description')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="licenseNote" label={t('field.licenseNote')}>
            <Input maxLength={200} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="resource-submit">
            {busy && progress !== null && progress < 100 ? t('uploading') : t('publish')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
