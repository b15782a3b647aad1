import { CheckOutlined, RollbackOutlined, SendOutlined, CopyOutlined, UndoOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Flex,
  Input,
  Modal,
  Popconfirm,
  Row,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MINUTES_STATUS_LABELS, type MeetingDetail, type Revision } from '../../../shared/meetings.schemas';
import {
  useCirculate,
  useMinutes,
  useNewRevision,
  useReturnMinutes,
  useSaveMinutes,
  useSign,
  useWithdrawMinutes,
} from '../../api/meetings';
import { dateTime, useLabels } from '../../components/labels';
import { MINUTES_COLOR, shortHash } from './labels';
import { MinutesView } from './MinutesView';
import { MissingPrincipals } from './MissingPrincipals';
import { SignersTable } from './SignersTable';

/** Minutes: the editor (lead, while a draft), the text as circulated or signed, and the signing panel. */
export function MinutesTab({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  const { data, isLoading } = useMinutes(meeting.id);
  const cur = data?.current ?? null;
  const [text, setText] = useState('');
  const save = useSaveMinutes(meeting.id);
  const circulate = useCirculate(meeting.id);
  const newRevision = useNewRevision(meeting.id);
  const withdraw = useWithdrawMinutes(meeting.id);
  useEffect(() => setText(cur?.body ?? ''), [cur?.id, cur?.sha256, cur?.body]);

  if (isLoading) return <Skeleton active />;
  const editing = meeting.can.manage && (!cur || cur.status === 'draft');
  // the server refuses to circulate minutes of a meeting not yet held; say so before the click
  const notHeld = Date.parse(meeting.startsAt) > Date.now();
  const dirty = text !== (cur?.body ?? '');
  const returned = cur ? cur.signers.filter((s) => s.status === 'returned' && s.round === cur.round) : [];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {cur ? (
        <Flex gap={8} align="center" wrap>
          <Tag color={MINUTES_COLOR[cur.status]} data-testid="minutes-status">
            {label(MINUTES_STATUS_LABELS, cur.status)}
          </Tag>
          <Typography.Text>{t('revisionN', { n: cur.revision })}</Typography.Text>
          <Typography.Text
            type="secondary"
            copyable={{ text: cur.sha256, icon: <CopyOutlined /> }}
            title={cur.sha256}
            data-testid="minutes-fingerprint"
          >
            SHA-256 {shortHash(cur.sha256)}
          </Typography.Text>
          {cur.updatedByName ? (
            <Typography.Text type="secondary">
              {t('updatedBy', { name: cur.updatedByName, at: dateTime(cur.updatedAt) })}
            </Typography.Text>
          ) : null}
        </Flex>
      ) : null}
      {returned.length && cur?.status === 'draft' ? (
        <Alert
          type="warning"
          showIcon
          data-testid="minutes-returned"
          title={t('returnedTitle')}
          description={
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {returned.map((s) => (
                <li key={s.id}>
                  <b>
                    {s.schoolName} {s.signerName}
                  </b>
                  ：{s.comment}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}
      {editing && cur ? <MissingPrincipals meeting={meeting} /> : null}
      {cur?.status === 'circulated' && meeting.can.manage ? (
        <Flex gap={8} align="center">
          <Popconfirm
            title={t('withdrawConfirm')}
            description={t('withdrawHint')}
            onConfirm={() => withdraw.mutateAsync({ sha256: cur.sha256 }).catch(() => undefined)}
          >
            <Button danger icon={<UndoOutlined />} loading={withdraw.isPending} data-testid="minutes-withdraw">
              {t('withdraw')}
            </Button>
          </Popconfirm>
        </Flex>
      ) : null}
      {editing ? (
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <Input.TextArea
              value={text}
              onChange={(e) => setText(e.target.value)}
              autoSize={{ minRows: 14, maxRows: 30 }}
              placeholder={t('minutesPlaceholder')}
              data-testid="minutes-editor"
            />
            <Flex gap={8} style={{ marginTop: 8 }}>
              <Button
                type="primary"
                disabled={!dirty}
                loading={save.isPending}
                onClick={() => save.mutate({ body: text, baseSha256: cur?.sha256 ?? null })}
                data-testid="minutes-save"
              >
                {t('saveDraft')}
              </Button>
              <Popconfirm
                title={t('circulateConfirm')}
                description={t('circulateHint')}
                onConfirm={() =>
                  circulate.mutateAsync({ ...(cur ? { sha256: cur.sha256 } : {}) }).catch(() => undefined)
                }
                disabled={!cur || dirty || !cur.body.trim() || notHeld}
              >
                <Button
                  icon={<SendOutlined />}
                  disabled={!cur || dirty || !cur.body.trim() || notHeld}
                  loading={circulate.isPending}
                  data-testid="minutes-circulate"
                >
                  {t('circulate')}
                </Button>
              </Popconfirm>
              {dirty ? <Typography.Text type="warning">{t('unsaved')}</Typography.Text> : null}
              {notHeld ? (
                <Typography.Text type="secondary" data-testid="minutes-not-held">
                  {t('notHeldYet', { when: dateTime(meeting.startsAt) })}
                </Typography.Text>
              ) : null}
            </Flex>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('preview')}>
              {text.trim() ? <MinutesView body={text} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
            </Card>
          </Col>
        </Row>
      ) : cur ? (
        <Card size="small">
          <MinutesView body={cur.body} />
        </Card>
      ) : (
        <Empty description={t('noMinutes')} />
      )}
      {cur && cur.round > 0 ? <SigningPanel meeting={meeting} rev={cur} /> : null}
      {cur?.status === 'locked' && meeting.can.manage ? (
        <Popconfirm title={t('newRevisionConfirm')} onConfirm={() => newRevision.mutateAsync().catch(() => undefined)}>
          <Button loading={newRevision.isPending} data-testid="minutes-new-revision">
            {t('newRevision')}
          </Button>
        </Popconfirm>
      ) : null}
      {data?.history.length ? (
        <Collapse
          items={data.history.map((h) => ({
            key: h.id,
            label: `${t('revisionN', { n: h.revision })} · ${label(MINUTES_STATUS_LABELS, h.status)} · SHA-256 ${shortHash(h.sha256)}`,
            children: (
              <>
                <MinutesView body={h.body} />
                <SignersTable rev={h} />
              </>
            ),
          }))}
        />
      ) : null}
    </Space>
  );
}

/** Who must sign this round and what they did; the signer signs or returns the exact version shown. */
function SigningPanel({ meeting, rev }: { meeting: MeetingDetail; rev: Revision }) {
  const { t } = useTranslation('meetings');
  const sign = useSign(meeting.id);
  const ret = useReturnMinutes(meeting.id);
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState('');
  const mine = meeting.can.signForSchoolId !== null && rev.status === 'circulated';
  const seen = { revision: rev.revision, sha256: rev.sha256 };
  return (
    <Card
      size="small"
      title={t('signingPanel')}
      data-testid="signing-panel"
      extra={
        mine ? (
          <Space>
            <Popconfirm
              title={t('signConfirm')}
              description={t('signHint', { hash: shortHash(rev.sha256) })}
              onConfirm={() => sign.mutateAsync(seen).catch(() => undefined)}
            >
              <Button type="primary" icon={<CheckOutlined />} loading={sign.isPending} data-testid="minutes-sign">
                {t('sign')}
              </Button>
            </Popconfirm>
            <Button danger icon={<RollbackOutlined />} onClick={() => setReturning(true)} data-testid="minutes-return">
              {t('return')}
            </Button>
          </Space>
        ) : null
      }
    >
      <SignersTable rev={rev} />
      <Modal
        open={returning}
        title={t('return')}
        onCancel={() => setReturning(false)}
        okButtonProps={{
          disabled: !comment.trim(),
          loading: ret.isPending,
          ...({ 'data-testid': 'return-submit' } as object),
        }}
        onOk={() =>
          void ret
            .mutateAsync({ ...seen, comment: comment.trim() })
            .then(() => {
              setReturning(false);
              setComment('');
            })
            .catch(() => undefined)
        }
      >
        <Input.TextArea
          rows={4}
          maxLength={1000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={t('returnPlaceholder')}
          data-testid="return-comment"
        />
      </Modal>
    </Card>
  );
}
