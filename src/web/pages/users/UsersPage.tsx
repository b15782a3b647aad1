import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../shared/auth.schemas';
import { ROLE_LABELS, type Role } from '../../../shared/enums';
import { useGrantable, useMe, useUpdateUser, useUsers } from '../../api/auth';
import { useLoginLocks, useUnlockUser } from '../../api/sessions';
import { EnumSelect } from '../../components/EnumSelect';
import { FilterBar } from '../../components/FilterBar';
import { dateTime, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';
import { UserFormDrawer } from './UserFormDrawer';

export default function UsersPage() {
  const { t } = useTranslation('users');
  const { label } = useLabels();
  const { data: me } = useMe();
  const list = useListState(['search', 'role']);
  const { state, set, page, pageSize } = list;
  const [editing, setEditing] = useState<User | null | undefined>(undefined);
  const update = useUpdateUser();
  const { data: grantable } = useGrantable();
  // accounts locked by GONGJIN_LOGIN_LOCK_AFTER; an administrator lifts the lock (audited)
  const locks = useLoginLocks();
  const locked = new Set((locks.data ?? []).map((l) => l.userId));
  const unlock = useUnlockUser();
  const { data, isFetching } = useUsers({
    search: state.search || undefined,
    role: (state.role as Role | undefined) || undefined,
    page,
    pageSize,
  });

  return (
    <>
      <PageHeader
        title={t('title')}
        extra={
          !grantable?.roles.length ? null : (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="user-create">
              {t('create')}
            </Button>
          )
        }
      />
      <FilterBar onReset={list.reset}>
        <Input.Search
          key={state.search ?? ''}
          allowClear
          placeholder={t('searchPlaceholder')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 240 }}
        />
        <EnumSelect
          labels={ROLE_LABELS}
          placeholder={t('role')}
          value={state.role}
          onChange={(v?: string) => set({ role: v })}
          style={{ width: 180 }}
        />
      </FilterBar>
      <ListTable<User>
        loading={isFetching}
        data-testid="user-table"
        list={list}
        data={data}
        columns={[
          { title: t('username'), dataIndex: 'username', width: 160 },
          { title: t('displayName'), dataIndex: 'displayName', width: 140 },
          {
            title: t('role'),
            dataIndex: 'role',
            width: 150,
            render: (v: Role) => <Tag color="blue">{label(ROLE_LABELS, v)}</Tag>,
          },
          {
            title: t('scopeKind'),
            key: 'scope',
            render: (_, r) => `${t(`scope.${r.scope.kind}`)}：${r.scopeName ?? r.scope.id}`,
          },
          {
            title: t('isActive'),
            dataIndex: 'isActive',
            width: 90,
            render: (v: boolean, r) => (
              <>
                {v ? <Tag color="green">{t('active')}</Tag> : <Tag>{t('inactive')}</Tag>}
                {locked.has(r.id) ? (
                  <Tag color="red" data-testid={`user-locked-${r.username}`}>
                    {t('common:locked')}
                  </Tag>
                ) : null}
              </>
            ),
          },
          { title: t('lastLoginAt'), dataIndex: 'lastLoginAt', width: 170, render: (v: string | null) => dateTime(v) },
          {
            title: t('common:actions'),
            key: 'a',
            width: 200,
            render: (_, r) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => setEditing(r)}>
                  {t('common:edit')}
                </Button>
                {locked.has(r.id) ? (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => unlock.mutate(r.id)}
                    data-testid={`user-unlock-${r.username}`}
                  >
                    {t('common:unlock')}
                  </Button>
                ) : null}
                {r.id === me?.id ? null : r.isActive ? (
                  <Popconfirm
                    title={t('deactivateConfirm', { name: r.displayName })}
                    onConfirm={() =>
                      update.mutateAsync({ id: r.id, patch: { isActive: false } }).catch(() => undefined)
                    }
                  >
                    <Button size="small" type="link" danger data-testid={`user-deactivate-${r.username}`}>
                      {t('deactivate')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => update.mutate({ id: r.id, patch: { isActive: true } })}
                  >
                    {t('activate')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <UserFormDrawer open={editing !== undefined} user={editing} onClose={() => setEditing(undefined)} />
    </>
  );
}
