import { WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Calendar, Card, Col, Empty, Grid, Row, Segmented, Space, Tag, Tooltip } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarEvent } from '../../../shared/activities.schemas';
import { SUBJECT_LABELS } from '../../../shared/enums';
import { shanghaiDate, shanghaiDateTime, todayShanghai } from '../../../shared/beijing-time';
import { useCalendar } from '../../api/activities';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { SchoolSelect } from '../../components/RemoteSelect';
import { useUrlState } from '../../components/useUrlState';
import { ActivityDetailDrawer } from './ActivityDetailDrawer';
import { ActivitiesNav, useOwnCommunityId, ScopedCommunitySelect } from './shared';

/** Sync classes on a month or week view, per community or per school, with double bookings in red. */
export default function CalendarPage() {
  const { t } = useTranslation('activities');
  const { label, grade } = useLabels();
  const { state, set } = useUrlState();
  const own = useOwnCommunityId();
  const communityId = state.communityId ? Number(state.communityId) : state.schoolId ? undefined : own;
  const schoolId = state.schoolId ? Number(state.schoolId) : undefined;
  // a phone opens on the week (a month grid leaves each day a finger wide); the URL still decides
  const phone = Grid.useBreakpoint().md === false;
  const view = (state.view ?? (phone ? 'week' : 'month')) === 'week' ? 'week' : 'month';
  // calendar days are Beijing days whatever the device's zone: today and each class's day and time
  const anchor = dayjs(state.date ?? todayShanghai());
  const [openId, setOpenId] = useState<number>();
  const from = view === 'month' ? anchor.startOf('month') : anchor.subtract((anchor.day() + 6) % 7, 'day');
  const to = view === 'month' ? anchor.endOf('month') : from.add(6, 'day');
  const { data, isFetching } = useCalendar(
    { communityId, schoolId, from: from.format('YYYY-MM-DD'), to: to.format('YYYY-MM-DD') },
    !!(communityId || schoolId),
  );
  const events = data ?? [];
  const onDay = (d: Dayjs) => events.filter((e) => shanghaiDate(e.startsAt) === d.format('YYYY-MM-DD'));
  const conflicts = events.filter((e) => e.conflicts.length);

  const chip = (e: CalendarEvent) => (
    <Tooltip
      key={e.id}
      title={
        <>
          {e.title}
          <br />
          {e.hostTeacherName}（{e.hostSchoolName} {e.hostClass}）→{' '}
          {e.receiving.map((r) => `${r.schoolName}${r.className}`).join('、')}
          {e.conflicts.map((c) => (
            <div key={c.withId}>
              ⚠ {t(`conflict.${c.reason}`)}：{c.withTitle}
            </div>
          ))}
        </>
      }
    >
      <Tag
        color={e.conflicts.length ? 'red' : e.completed ? 'green' : 'blue'}
        style={{ cursor: 'pointer', marginBottom: 2, whiteSpace: 'normal' }}
        onClick={() => setOpenId(e.id)}
        data-testid={`cal-event-${e.id}`}
      >
        {e.conflicts.length ? <WarningOutlined /> : null} {shanghaiDateTime(e.startsAt).slice(11, 16)}{' '}
        {label(SUBJECT_LABELS, e.subject as never)} {grade(e.grade)}
      </Tag>
    </Tooltip>
  );

  return (
    <>
      <ActivitiesNav />
      <PageHeader
        title={t('calendarTitle')}
        extra={
          <Segmented
            value={view}
            onChange={(v) => set({ view: v as string })}
            options={[
              { value: 'month', label: t('month') },
              { value: 'week', label: t('week') },
            ]}
            data-testid="cal-view"
          />
        }
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <ScopedCommunitySelect
          placeholder={t('f.community')}
          value={communityId}
          onChange={(v) => set({ communityId: v as number | undefined, schoolId: undefined })}
          style={{ width: 240 }}
          data-testid="cal-community"
        />
        <SchoolSelect
          placeholder={t('orSchool')}
          value={schoolId}
          onChange={(v) => set({ schoolId: v as number | undefined, communityId: undefined })}
          style={{ width: 240 }}
        />
        <Button onClick={() => set({ date: anchor.subtract(1, view).format('YYYY-MM-DD') })}>‹</Button>
        <span data-testid="cal-range">
          {from.format('YYYY-MM-DD')} ~ {to.format('YYYY-MM-DD')}
        </span>
        <Button onClick={() => set({ date: anchor.add(1, view).format('YYYY-MM-DD') })}>›</Button>
        <Button onClick={() => set({ date: undefined })}>{t('today')}</Button>
      </Space>
      {conflicts.length ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('conflictsFound', { count: conflicts.length })}
          data-testid="cal-conflicts"
        />
      ) : null}
      {!communityId && !schoolId ? (
        <Empty description={t('chooseCommunity')} />
      ) : view === 'month' ? (
        <Calendar
          value={anchor}
          onPanelChange={(d) => set({ date: d.format('YYYY-MM-DD') })}
          onSelect={(d, info) => {
            if (info.source === 'date') set({ date: d.format('YYYY-MM-DD') });
          }}
          cellRender={(d, info) => (info.type === 'date' ? <div>{onDay(d).map(chip)}</div> : null)}
        />
      ) : (
        <Row gutter={[8, 8]} data-testid="cal-week">
          {Array.from({ length: 7 }, (_, i) => from.add(i, 'day')).map((d) => (
            <Col key={d.format('YYYY-MM-DD')} flex="1 1 140px">
              <Card size="small" loading={isFetching} title={d.format('MM-DD ddd')}>
                {onDay(d).length ? onDay(d).map(chip) : <span style={{ color: '#bbb' }}>—</span>}
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <ActivityDetailDrawer id={openId} onClose={() => setOpenId(undefined)} />
    </>
  );
}
