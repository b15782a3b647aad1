import { Table, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { MEMBERSHIP_ROLE_LABELS } from '../../../shared/enums';
import { SIGNER_STATUS_LABELS, type Revision, type Signer } from '../../../shared/meetings.schemas';
import { dateTime, useLabels } from '../../components/labels';
import { shortHash, SIGNER_COLOR } from './labels';

/** Signers of a revision, current round first; earlier rounds keep their returns and comments. */
export function SignersTable({ rev }: { rev: Revision }) {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  return (
    <Table<Signer>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={rev.signers}
      data-testid="signers-table"
      rowClassName={(s) => (s.round === rev.round ? '' : 'ant-table-row-disabled')}
      columns={[
        { title: t('round'), dataIndex: 'round', width: 70, render: (r: number) => (r === rev.round ? <b>{r}</b> : r) },
        {
          title: t('school'),
          dataIndex: 'schoolName',
          render: (v: string, s) => `${v}（${label(MEMBERSHIP_ROLE_LABELS, s.schoolRole)}）`,
        },
        { title: t('signer'), dataIndex: 'signerName', width: 140 },
        {
          title: t('signStatus'),
          dataIndex: 'status',
          width: 110,
          render: (v: Signer['status']) => <Tag color={SIGNER_COLOR[v]}>{label(SIGNER_STATUS_LABELS, v)}</Tag>,
        },
        { title: t('decidedAt'), dataIndex: 'decidedAt', width: 170, render: (v: string | null) => dateTime(v) },
        {
          title: t('signedHash'),
          dataIndex: 'sha256',
          width: 150,
          render: (v: string | null) => <Tooltip title={v}>{shortHash(v)}</Tooltip>,
        },
        { title: t('comment'), dataIndex: 'comment', render: (v: string | null) => v ?? '' },
      ]}
    />
  );
}
