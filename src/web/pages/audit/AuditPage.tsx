import { Col, Row, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ENTITY_LABELS } from '../../../shared/messages';
import { useUsers } from '../../api/auth';
import { useAuditLog, type AuditEntry } from '../../api/audit';
import { FilterBar } from '../../components/FilterBar';
import { dateTime, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';

const ACTIONS = ['create', 'update', 'delete', 'end', 'login', 'logout', 'import', 'commit'];
const ACTION_COLORS: Record<string, string> = { create: 'green', update: 'blue', delete: 'red', end: 'orange' };

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <pre
      style={{
        margin: 0,
        maxHeight: 360,
        overflow: 'auto',
        fontSize: 12,
        background: '#fafafa',
        padding: 8,
        borderRadius: 4,
      }}
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export default function AuditPage() {
  const { t } = useTranslation('audit');
  const { label } = useLabels();
  const list = useListState(['entity', 'action', 'userId', 'entityId']);
  const { state, set, page, pageSize } = list;
  const users = useUsers({ pageSize: 200 });
  const { data, isFetching } = useAuditLog({
    entity: state.entity,
    action: state.action,
    userId: state.userId,
    entityId: state.entityId,
    page,
    pageSize,
    exactTotal: list.exactTotal,
  });
  const entityLabel = (e: string) => (ENTITY_LABELS[e] ? label(ENTITY_LABELS, e) : e);

  return (
    <>
      <PageHeader title={t('title')} sub={t('subtitle')} />
      <FilterBar onReset={list.reset}>
        <Select
          allowClear
          placeholder={t('entity')}
          value={state.entity}
          onChange={(v?: string) => set({ entity: v })}
          style={{ width: 180 }}
          options={Object.keys(ENTITY_LABELS).map((k) => ({ value: k, label: entityLabel(k) }))}
        />
        <Select
          allowClear
          placeholder={t('action')}
          value={state.action}
          onChange={(v?: string) => set({ action: v })}
          style={{ width: 150 }}
          options={ACTIONS.map((a) => ({ value: a, label: t(`actions.${a}`, { defaultValue: a }) }))}
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('user')}
          value={state.userId ? Number(state.userId) : undefined}
          onChange={(v?: number) => set({ userId: v })}
          style={{ width: 200 }}
          options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))}
        />
      </FilterBar>
      <ListTable<AuditEntry>
        loading={isFetching}
        data-testid="audit-table"
        list={list}
        data={data}
        expandable={{
          expandedRowRender: (r) => (
            <Row gutter={16}>
              <Col span={12}>
                <Typography.Text strong>{t('before')}</Typography.Text>
                <Json value={r.before} />
              </Col>
              <Col span={12}>
                <Typography.Text strong>{t('after')}</Typography.Text>
                <Json value={r.after} />
              </Col>
            </Row>
          ),
        }}
        columns={[
          { title: t('at'), dataIndex: 'at', width: 180, render: (v: string) => dateTime(v) },
          { title: t('user'), dataIndex: 'username', width: 140, render: (v: string | null) => v ?? t('system') },
          {
            title: t('action'),
            dataIndex: 'action',
            width: 110,
            render: (v: string) => <Tag color={ACTION_COLORS[v]}>{t(`actions.${v}`, { defaultValue: v })}</Tag>,
          },
          { title: t('entity'), dataIndex: 'entity', width: 140, render: (v: string) => entityLabel(v) },
          {
            title: t('entityId'),
            dataIndex: 'entityId',
            width: 100,
            render: (v: string | null) => (v ? <a onClick={() => set({ entityId: v })}>{v}</a> : '—'),
          },
          { title: t('ip'), dataIndex: 'ip', width: 140, render: (v: string | null) => v ?? '—' },
          {
            title: t('requestId'),
            dataIndex: 'requestId',
            render: (v: string | null) => (
              <Typography.Text type="secondary" copyable={!!v}>
                {v ?? '—'}
              </Typography.Text>
            ),
          },
        ]}
      />
    </>
  );
}
