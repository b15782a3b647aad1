import { beijingDisplay } from '../../../shared/beijing-time';
import { EditOutlined, FilePdfOutlined } from '@ant-design/icons';
import { Button, Descriptions, Result, Skeleton, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { MEETING_KIND_LABELS, MINUTES_STATUS_LABELS } from '../../../shared/meetings.schemas';
import { errorText } from '../../api/client';
import { meetingPdfUrl, useMeeting } from '../../api/meetings';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ActionItemsTab } from './ActionItemsTab';
import { AgendaTab } from './AgendaTab';
import { AttachmentsTab } from './AttachmentsTab';
import { AttendeesTab } from './AttendeesTab';
import { MINUTES_COLOR } from './labels';
import { MeetingFormDrawer } from './MeetingFormDrawer';
import { MinutesTab } from './MinutesTab';

const TABS = ['agenda', 'attendees', 'minutes', 'items', 'files'];

export default function MeetingDetailPage() {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  const id = Number(useParams().id);
  const { data: m, isLoading, error } = useMeeting(Number.isFinite(id) ? id : undefined);
  const [editing, setEditing] = useState(false);
  // ?tab=minutes (a 待办 link to the minutes to sign) opens that tab
  const [params] = useSearchParams();
  const [tab, setTab] = useState(() => {
    const asked = params.get('tab');
    return asked && TABS.includes(asked) ? asked : 'agenda';
  });

  if (isLoading) return <Skeleton active />;
  if (error || !m) return <Result status="warning" title={error ? errorText(error) : t('common:notFound')} />;
  const fmt = (s: string) => beijingDisplay(s);

  return (
    <>
      <PageHeader
        title={<span data-testid="meeting-heading">{m.title}</span>}
        sub={
          <>
            <Link to={`/communities/${m.communityId}`}>{m.communityName}</Link> · {label(MEETING_KIND_LABELS, m.kind)} ·{' '}
            <Tag color={MINUTES_COLOR[m.minutesStatus]} data-testid="meeting-status">
              {label(MINUTES_STATUS_LABELS, m.minutesStatus)}
            </Tag>
          </>
        }
        extra={
          <>
            <Button icon={<FilePdfOutlined />} href={meetingPdfUrl(m.id)} data-testid="meeting-pdf">
              {t('exportPdf')}
            </Button>
            {m.can.manage ? (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="meeting-edit">
                {t('editMeeting')}
              </Button>
            ) : null}
          </>
        }
      />
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t('startsAt')}>
          <span data-testid="meeting-starts-at">{fmt(m.startsAt)}</span>
          {m.endsAt ? ` – ${beijingDisplay(m.endsAt).slice(11)}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('place')}>{m.place ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('link')}>
          {m.link ? (
            <a href={m.link} target="_blank" rel="noopener noreferrer">
              {m.link}
            </a>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        {m.note ? (
          <Descriptions.Item label={t('note')} span={3}>
            {m.note}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'agenda',
            label: <span data-testid="tab-agenda">{t('tabAgenda', { count: m.agenda.length })}</span>,
            children: <AgendaTab meeting={m} />,
          },
          {
            key: 'attendees',
            label: <span data-testid="tab-attendees">{t('tabAttendees', { count: m.attendees.length })}</span>,
            children: <AttendeesTab meeting={m} />,
          },
          {
            key: 'minutes',
            label: <span data-testid="tab-minutes">{t('tabMinutes')}</span>,
            children: <MinutesTab meeting={m} />,
          },
          {
            key: 'items',
            label: <span data-testid="tab-items">{t('tabItems', { count: m.openItems })}</span>,
            children: <ActionItemsTab meeting={m} />,
          },
          {
            key: 'files',
            label: <span data-testid="tab-files">{t('tabFiles', { count: m.attachments.length })}</span>,
            children: <AttachmentsTab meeting={m} />,
          },
        ]}
      />
      <MeetingFormDrawer open={editing} meeting={m} onClose={() => setEditing(false)} />
    </>
  );
}
