import { QuestionCircleOutlined } from '@ant-design/icons';
import { DatePicker, Input, InputNumber, Select, Space, Table, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { semesterLabel, semesterOfDate, semesterRange, shanghaiDate } from '../../../shared/activities.semester';
import { SUBJECT_LABELS } from '../../../shared/enums';
import {
  EXCHANGE_KIND_LABELS,
  EXCHANGE_KINDS,
  WORKLOAD_LABELS,
  WORKLOADS,
  type ExchangeKind,
  type Workload,
} from '../../../shared/exchange.enums';
import type { ExchangeAcceptOptions, ExchangeAssignment } from '../../../shared/planner.schemas';
import { useLabels } from '../../components/labels';

/** 走教 and 送教 are a few days a week; the other kinds are a full-time posting by default (as on the server). */
const PART_TIME_KINDS: readonly ExchangeKind[] = ['itinerant', 'send_lesson'];
export const defaultWorkload = (kind: ExchangeKind): Workload =>
  PART_TIME_KINDS.includes(kind) ? 'part_time' : 'full_time';

/** The term after the current one and the three after it: an exchange plan is accepted ahead of its term. */
export function upcomingSemesters(today = shanghaiDate(new Date())): string[] {
  const cur = semesterOfDate(today) ?? `${Number(today.slice(0, 4))}-${Number(today.slice(0, 4)) + 1}-1`;
  const out = [cur];
  for (let i = 0; i < 4; i++) {
    const [a, b, n] = out[out.length - 1]!.split('-').map(Number) as [number, number, number];
    out.push(n === 1 ? `${a}-${b}-2` : `${b}-${b + 1}-1`);
  }
  return out;
}

export interface RowChoice {
  kind: ExchangeKind;
  workload: Workload;
  /** share of a school week when part-time */
  fraction: number;
}
export interface ExchangeAcceptState {
  term: string;
  start: Dayjs;
  end: Dayjs;
  postHeld: string;
  rows: RowChoice[];
}

/** The plan's own proposal for each row: its kind (走教/支教), the matching workload, its weekly days as a share. */
export function initialAcceptState(rows: readonly ExchangeAssignment[], term: string): ExchangeAcceptState {
  const range = semesterRange(term)!;
  return {
    term,
    start: dayjs(range.start),
    end: dayjs(range.end),
    postHeld: '',
    rows: rows.map((a) => ({
      kind: a.kind,
      workload: defaultWorkload(a.kind),
      fraction: Math.round((Math.min(5, Math.max(1, a.slots)) / 5) * 100) / 100,
    })),
  };
}

/** The accept body's `exchange` part: the term and every row's choice, so the register gets exactly what is shown. */
export function acceptOptions(s: ExchangeAcceptState): ExchangeAcceptOptions {
  const secondment = s.rows.some((r) => r.kind === 'secondment');
  return {
    term: s.term,
    endDate: s.end.format('YYYY-MM-DD'),
    ...(secondment && s.postHeld.trim() ? { postHeld: s.postHeld.trim() } : {}),
    rows: s.rows.map((r, index) => ({
      index,
      kind: r.kind,
      workload: r.workload,
      ...(r.workload === 'part_time' ? { partTimeFraction: r.fraction } : {}),
    })),
  };
}

function Help({ text }: { text: string }) {
  return (
    <Tooltip title={text}>
      <QuestionCircleOutlined style={{ color: '#888', marginLeft: 4 }} />
    </Tooltip>
  );
}

/** The choices of an exchange plan's accept dialog: term, dates, and each row's kind and workload. */
export function ExchangeAcceptForm({
  rows,
  value,
  onChange,
}: {
  rows: readonly ExchangeAssignment[];
  value: ExchangeAcceptState;
  onChange: (v: ExchangeAcceptState) => void;
}) {
  const { t, i18n } = useTranslation('planner');
  const { label, options } = useLabels();
  const lang = i18n.language === 'en-US' ? 'en' : 'zh';
  const range = semesterRange(value.term)!;
  const setRow = (i: number, patch: Partial<RowChoice>) =>
    onChange({ ...value, rows: value.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const setAll = (kind: ExchangeKind) =>
    onChange({ ...value, rows: value.rows.map((r) => ({ ...r, kind, workload: defaultWorkload(kind) })) });
  const outside = (d: Dayjs) => d.isBefore(dayjs(range.start)) || d.isAfter(dayjs(range.end));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="accept-exchange-form">
      <Space wrap>
        <span>
          {t('acceptTerm')}
          <Help text={t('acceptTermHelp')} />
        </span>
        <Select
          style={{ width: 240 }}
          value={value.term}
          data-testid="accept-term"
          options={upcomingSemesters().map((s) => ({ value: s, label: semesterLabel(s, lang) }))}
          onChange={(term: string) => {
            const r = semesterRange(term)!;
            onChange({ ...value, term, start: dayjs(r.start), end: dayjs(r.end) });
          }}
        />
      </Space>
      <Space wrap>
        {t('startDate')}
        <DatePicker
          value={value.start}
          allowClear={false}
          disabledDate={outside}
          onChange={(d) => d && onChange({ ...value, start: d })}
          data-testid="accept-start"
        />
        {t('endDate')}
        <DatePicker
          value={value.end}
          allowClear={false}
          disabledDate={(d) => d.isBefore(value.start)}
          onChange={(d) => d && onChange({ ...value, end: d })}
          data-testid="accept-end"
        />
      </Space>
      <Space wrap>
        <span>
          {t('acceptKindAll')}
          <Help text={t('acceptKindHelp')} />
        </span>
        <Select<ExchangeKind>
          style={{ width: 160 }}
          placeholder={t('acceptKindPlaceholder')}
          options={options(EXCHANGE_KIND_LABELS, EXCHANGE_KINDS)}
          showSearch={{ optionFilterProp: 'label' }}
          onChange={setAll}
          data-testid="accept-kind-all"
        />
        {value.rows.some((r) => r.kind === 'secondment') ? (
          <Input
            style={{ width: 200 }}
            placeholder={t('acceptPostHeld')}
            value={value.postHeld}
            onChange={(e) => onChange({ ...value, postHeld: e.target.value })}
            data-testid="accept-post-held"
          />
        ) : null}
      </Space>
      <Table
        size="small"
        rowKey={(a) => `${a.shortageKey}>${a.supplierSchoolId}`}
        dataSource={rows as ExchangeAssignment[]}
        pagination={{ pageSize: 8, hideOnSinglePage: true }}
        data-testid="accept-rows"
        columns={[
          {
            title: t('teacher'),
            key: 'who',
            render: (_: unknown, a: ExchangeAssignment) => (
              <>
                <div>{a.suggestedTeacherName ?? '—'}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {a.supplierName} → {a.schoolName} · {label(SUBJECT_LABELS, a.subject)}
                </Typography.Text>
              </>
            ),
          },
          {
            title: t('exchangeKind'),
            key: 'kind',
            width: 130,
            render: (_: unknown, __: ExchangeAssignment, i: number) => (
              <Select<ExchangeKind>
                size="small"
                style={{ width: 120 }}
                value={value.rows[i]!.kind}
                options={options(EXCHANGE_KIND_LABELS, EXCHANGE_KINDS)}
                onChange={(kind) => setRow(i, { kind, workload: defaultWorkload(kind) })}
                data-testid={`accept-row-kind-${i}`}
              />
            ),
          },
          {
            title: (
              <span>
                {t('acceptWorkload')}
                <Help text={t('acceptWorkloadHelp')} />
              </span>
            ),
            key: 'workload',
            width: 190,
            render: (_: unknown, __: ExchangeAssignment, i: number) => (
              <Space size={4}>
                <Select<Workload>
                  size="small"
                  style={{ width: 80 }}
                  value={value.rows[i]!.workload}
                  options={options(WORKLOAD_LABELS, WORKLOADS)}
                  onChange={(workload) => setRow(i, { workload })}
                  data-testid={`accept-row-workload-${i}`}
                />
                {value.rows[i]!.workload === 'part_time' ? (
                  <InputNumber
                    size="small"
                    style={{ width: 80 }}
                    min={0.05}
                    max={1}
                    step={0.05}
                    value={value.rows[i]!.fraction}
                    onChange={(v) => v != null && setRow(i, { fraction: v })}
                    aria-label={t('acceptFraction')}
                  />
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}
