import { Col, Form, Input, Radio, Row, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User, UserCreate } from '../../../shared/auth.schemas';
import { ROLE_LABELS, type ScopeKind } from '../../../shared/enums';
import { useCreateUser, useGrantable, useMe, useUpdateUser } from '../../api/auth';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { CommunitySelect, RegionSelect, SchoolSelect, TeacherSelect } from '../../components/RemoteSelect';

interface Values {
  username: string;
  displayName: string;
  password?: string;
  role: User['role'];
  scopeKind: ScopeKind;
  scopeRegion?: string;
  scopeCommunity?: number;
  scopeSchool?: number;
  teacherId?: number | null;
  isActive?: boolean;
}

const DEFAULT_SCOPE: Record<User['role'], ScopeKind> = {
  bureau_admin: 'region',
  assessor: 'region',
  viewer: 'region',
  community_lead: 'community',
  school_admin: 'school',
  teacher: 'school',
};

export function UserFormDrawer({ open, user, onClose }: { open: boolean; user?: User | null; onClose: () => void }) {
  const { t } = useTranslation('users');
  const [form] = Form.useForm<Values>();
  const create = useCreateUser();
  const update = useUpdateUser();
  const scopeKind = Form.useWatch('scopeKind', form);
  const role = Form.useWatch('role', form);
  const { data: me } = useMe();
  const { data: grantable } = useGrantable(open);
  // only what the server would accept: grantable roles, the scope kinds of the chosen role; nobody edits their own role or status
  const self = !!user && user.id === me?.id;
  const roleCodes = grantable?.roles.map((r) => r.role) ?? [];
  const scopeKinds =
    grantable?.roles.find((r) => r.role === role)?.scopeKinds ?? (['region', 'community', 'school'] as const);

  const initial: Partial<Values> = user
    ? {
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        scopeKind: user.scope.kind,
        scopeRegion: user.scope.kind === 'region' ? user.scope.id : undefined,
        scopeCommunity: user.scope.kind === 'community' ? Number(user.scope.id) : undefined,
        scopeSchool: user.scope.kind === 'school' ? Number(user.scope.id) : undefined,
        teacherId: user.teacherId,
        isActive: user.isActive,
      }
    : { role: 'school_admin', scopeKind: 'school' };
  const scopeLabel = user
    ? [
        {
          value: user.scope.kind === 'region' ? user.scope.id : Number(user.scope.id),
          label: user.scopeName ?? user.scope.id,
        },
      ]
    : undefined;

  const onSubmit = async (v: Values) => {
    const id =
      v.scopeKind === 'region' ? v.scopeRegion : v.scopeKind === 'community' ? v.scopeCommunity : v.scopeSchool;
    const scope = { kind: v.scopeKind, id: id === undefined || id === null ? '' : String(id) };
    if (user) {
      await update.mutateAsync({
        id: user.id,
        patch: self
          ? { displayName: v.displayName }
          : {
              displayName: v.displayName,
              role: v.role,
              scope,
              teacherId: v.teacherId ?? null,
              isActive: v.isActive,
              ...(v.password ? { password: v.password } : {}),
            },
      });
    } else {
      const body: UserCreate = {
        username: v.username,
        displayName: v.displayName,
        password: v.password ?? '',
        role: v.role,
        scope,
        teacherId: v.teacherId ?? null,
      };
      await create.mutateAsync(body);
    }
  };
  // the server reports scope.id; show it on whichever picker is visible
  const mapField = (path: (string | number)[]) => {
    if (path[0] !== 'scope') return undefined;
    if (path[1] === 'kind') return ['scopeKind'];
    const k = form.getFieldValue('scopeKind') as ScopeKind;
    return [k === 'region' ? 'scopeRegion' : k === 'community' ? 'scopeCommunity' : 'scopeSchool'];
  };
  const req = [{ required: true, message: t('common:required') }];

  return (
    <FormDrawer<Values>
      open={open}
      form={form}
      title={user ? t('editTitle', { name: user.displayName }) : t('createTitle')}
      onClose={onClose}
      onSubmit={onSubmit}
      mapField={mapField}
      initialValues={initial}
      testId="user-form"
      width={600}
    >
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="username" label={t('username')} rules={req} extra={user ? undefined : t('usernameHint')}>
            <Input disabled={!!user} autoComplete="off" data-testid="user-username" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="displayName" label={t('displayName')} rules={req}>
            <Input data-testid="user-display-name" />
          </Form.Item>
        </Col>
        {self ? null : (
          <Col span={12}>
            <Form.Item
              name="password"
              label={user ? t('newPassword') : t('password')}
              rules={
                user
                  ? [{ min: 8, message: t('common:passwordMin') }]
                  : [...req, { min: 8, message: t('common:passwordMin') }]
              }
              extra={user ? t('passwordKeep') : undefined}
            >
              <Input.Password autoComplete="new-password" data-testid="user-password" />
            </Form.Item>
          </Col>
        )}
        <Col span={12}>
          <Form.Item name="role" label={t('role')} rules={req}>
            <EnumSelect
              labels={ROLE_LABELS}
              codes={self || !grantable ? undefined : roleCodes}
              disabled={self}
              allowClear={false}
              data-testid="user-role"
              onChange={(r: User['role']) => {
                const kinds = grantable?.roles.find((g) => g.role === r)?.scopeKinds;
                form.setFieldValue(
                  'scopeKind',
                  kinds && !kinds.includes(DEFAULT_SCOPE[r]) ? kinds[0] : DEFAULT_SCOPE[r],
                );
              }}
            />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="scopeKind" label={t('scopeKind')} rules={req}>
            <Radio.Group
              optionType="button"
              disabled={self}
              options={scopeKinds.map((k) => ({ value: k, label: t(`scope.${k}`) }))}
            />
          </Form.Item>
        </Col>
        <Col span={24}>
          {scopeKind === 'region' ? (
            <Form.Item name="scopeRegion" label={t('scope.region')} rules={req}>
              <RegionSelect initialOptions={scopeLabel as never} disabled={self} data-testid="user-scope-region" />
            </Form.Item>
          ) : scopeKind === 'community' ? (
            <Form.Item name="scopeCommunity" label={t('scope.community')} rules={req}>
              <CommunitySelect
                initialOptions={scopeLabel as never}
                disabled={self}
                data-testid="user-scope-community"
              />
            </Form.Item>
          ) : (
            <Form.Item name="scopeSchool" label={t('scope.school')} rules={req}>
              <SchoolSelect initialOptions={scopeLabel as never} disabled={self} data-testid="user-scope-school" />
            </Form.Item>
          )}
        </Col>
        {role === 'teacher' ? (
          <Col span={24}>
            <Form.Item name="teacherId" label={t('teacher')} extra={t('teacherHint')}>
              <TeacherSelect
                disabled={self}
                initialOptions={user?.teacherId ? [{ value: user.teacherId, label: `#${user.teacherId}` }] : undefined}
              />
            </Form.Item>
          </Col>
        ) : null}
        {user && !self ? (
          <Col span={12}>
            <Form.Item name="isActive" label={t('isActive')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
    </FormDrawer>
  );
}
