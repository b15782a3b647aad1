import { Button, Card, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../shared/auth.schemas';
import type { Assignment } from '../../../shared/assessment.schemas';
import { useAssign, useAssignments, useUnassign } from '../../api/assessment';
import { http, type Page } from '../../api/client';
import { CommunitySelect, RemoteSelect } from '../../components/RemoteSelect';

/** Which assessor scores which community: assessors see only what they are assigned. */
export function AssignmentsPanel({ schemeId, regionCode }: { schemeId: number; regionCode: string }) {
  const { t } = useTranslation('assessment');
  const list = useAssignments(schemeId);
  const assign = useAssign(schemeId);
  const unassign = useUnassign(schemeId);
  const [communityId, setCommunityId] = useState<number>();
  const [assessorId, setAssessorId] = useState<number>();
  return (
    <Card size="small" title={t('assignments')} style={{ marginTop: 16 }}>
      <Space style={{ marginBottom: 8 }} wrap>
        <CommunitySelect
          style={{ width: 260 }}
          placeholder={t('community')}
          filters={{ region: regionCode }}
          value={communityId}
          onChange={(v) => setCommunityId(v as number)}
        />
        <RemoteSelect
          style={{ width: 220 }}
          placeholder={t('assessor')}
          source="assessors"
          value={assessorId}
          onChange={(v) => setAssessorId(v as number)}
          fetchOptions={async (search) =>
            (await http.get<Page<User>>('/users', { role: 'assessor', search, pageSize: 20 })).items.map((u) => ({
              value: u.id,
              label: u.displayName,
            }))
          }
        />
        <Button
          disabled={!communityId || !assessorId}
          onClick={() =>
            assign.mutateAsync({ communityId: communityId!, assessorUserId: assessorId! }).catch(() => undefined)
          }
        >
          {t('assign')}
        </Button>
      </Space>
      <Table<Assignment>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={list.data ?? []}
        columns={[
          { title: t('community'), dataIndex: 'communityName' },
          { title: t('assessor'), dataIndex: 'assessorName' },
          {
            title: '',
            width: 80,
            render: (_, a) => (
              <Button size="small" type="link" danger onClick={() => unassign.mutateAsync(a.id).catch(() => undefined)}>
                {t('common:delete')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
