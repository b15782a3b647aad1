import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  DatePicker,
  Modal,
  Result,
  Skeleton,
  Space,
  Tag,
  Tooltip,
  Typography,
  type ButtonProps,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { Infeasibility, PlanDetail } from '../../../shared/planner.schemas';
import { useMe } from '../../api/auth';
import { ApiError, apiLanguage, errorText } from '../../api/client';
import { useAcceptPlan, usePlan, useReplan } from '../../api/planner';
import { useLabels } from '../../components/labels';
import { FormErrors } from '../../components/FormErrors';
import { PageHeader } from '../../components/PageHeader';
import { acceptOptions, ExchangeAcceptForm, initialAcceptState, upcomingSemesters } from './ExchangeAcceptForm';
import { ExchangePlanView } from './ExchangePlanView';
import { PairingPlanView } from './PairingPlanView';

export default function PlanPage() {
  const { t } = useTranslation('planner');
  const id = Number(useParams().id);
  const { data: plan, isLoading, error } = usePlan(Number.isFinite(id) ? id : undefined);
  const { data: me } = useMe();
  const replan = useReplan(id);
  const [accepting, setAccepting] = useState(false);

  if (isLoading) return <Skeleton active />;
  if (error || !plan) return <Result status="warning" title={error ? errorText(error) : t('common:notFound')} />;
  const editable = me?.role === 'bureau_admin' && plan.status === 'draft';
  const feasible = plan.result !== null && plan.result.status !== 'infeasible';

  return (
    <>
      <PageHeader
        title={
          <Space>
            {plan.name}
            <Tag color={plan.status === 'accepted' ? 'green' : 'blue'}>{t(`statuses.${plan.status}`)}</Tag>
          </Space>
        }
        sub={`${t(`kinds.${plan.kind}`)} · ${plan.regionName ?? plan.regionCode}${plan.effectiveDate ? ` · ${t('effectiveDate')} ${plan.effectiveDate}` : ''}`}
        extra={
          editable ? (
            <>
              <Button
                icon={<ReloadOutlined />}
                loading={replan.isPending}
                onClick={() => replan.mutate()}
                data-testid="plan-replan"
              >
                {t('replan')}
              </Button>
              <Button
                type="primary"
                icon={<CheckOutlined />}
                disabled={!feasible}
                onClick={() => setAccepting(true)}
                data-testid="plan-accept"
              >
                {t('accept')}
              </Button>
            </>
          ) : null
        }
      />
      <ResultBadges plan={plan} />
      {plan.result?.infeasibility ? <InfeasibleAlert infeasibility={plan.result.infeasibility} /> : null}
      {plan.kind === 'pairing' ? (
        <PairingPlanView plan={plan} editable={editable} />
      ) : (
        <ExchangePlanView plan={plan} editable={editable} />
      )}
      <AcceptModal plan={plan} open={accepting} onClose={() => setAccepting(false)} />
    </>
  );
}

function ResultBadges({ plan }: { plan: PlanDetail }) {
  const { t } = useTranslation('planner');
  const r = plan.result;
  if (!r) return <Alert type="info" showIcon title={t('noResult')} style={{ marginBottom: 16 }} />;
  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="plan-status">
      <Tag color={r.status === 'infeasible' ? 'red' : r.provenOptimal ? 'green' : 'gold'}>
        {t(`resultStatuses.${r.status}`)}
      </Tag>
      {r.status !== 'infeasible' ? (
        <Tag color={r.provenOptimal ? 'green' : 'gold'}>{r.provenOptimal ? t('provenOptimal') : t('notProven')}</Tag>
      ) : null}
      <Tooltip title={t(`solverHelp.${r.solver}`)}>
        <Typography.Text type="secondary" data-testid="plan-solver">
          {t(`solvers.${r.solver}`)} · {t('totals.solve')} {t('ms', { value: r.timings.totalMs })}
        </Typography.Text>
      </Tooltip>
    </Space>
  );
}

function InfeasibleAlert({ infeasibility }: { infeasibility: Infeasibility }) {
  const { t } = useTranslation('planner');
  const { en } = useLabels();
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="plan-infeasible"
      title={t('infeasibleTitle')}
      description={
        <>
          <div>{en ? infeasibility.message.en : infeasibility.message.zh}</div>
          <div style={{ marginTop: 8 }}>{t('relax')}</div>
          <ul style={{ margin: 0 }}>
            {infeasibility.relax.map((r) => (
              <li key={r.en}>{en ? r.en : r.zh}</li>
            ))}
          </ul>
        </>
      }
    />
  );
}

function AcceptModal({ plan, open, onClose }: { plan: PlanDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation('planner');
  const accept = useAcceptPlan(plan.id);
  const [errors, setErrors] = useState<string[]>([]);
  // the next term starts in February; a plan made in autumn takes effect then
  const [date, setDate] = useState<Dayjs | null>(
    dayjs().month() >= 8 ? dayjs().add(1, 'year').month(1).date(1) : dayjs().month(8).date(1),
  );
  const rows = plan.kind === 'exchange' ? (plan.result?.assignments ?? []) : [];
  const [exchange, setExchange] = useState(() => initialAcceptState(rows, upcomingSemesters()[1]!));
  const submit = () => {
    setErrors([]);
    const body =
      plan.kind === 'exchange'
        ? { effectiveDate: exchange.start.format('YYYY-MM-DD'), exchange: acceptOptions(exchange) }
        : date
          ? { effectiveDate: date.format('YYYY-MM-DD') }
          : null;
    if (!body) return;
    void accept.mutateAsync(body).then(onClose, (err: unknown) => setErrors(detailTexts(err)));
  };
  return (
    <Modal
      open={open}
      title={t('acceptTitle')}
      width={plan.kind === 'exchange' ? 760 : 520}
      onCancel={onClose}
      okButtonProps={{ disabled: !date, loading: accept.isPending, 'data-testid': 'plan-accept-submit' } as ButtonProps}
      onOk={submit}
    >
      <p>{plan.kind === 'pairing' ? t('acceptPairingHint') : t('acceptExchangeHint')}</p>
      {errors.length ? (
        <div data-testid="accept-errors">
          <FormErrors errors={errors} />
        </div>
      ) : null}
      {plan.kind === 'exchange' ? (
        <ExchangeAcceptForm rows={rows} value={exchange} onChange={setExchange} />
      ) : (
        <Space>
          {t('effectiveDate')}
          <DatePicker value={date} onChange={setDate} allowClear={false} />
        </Space>
      )}
    </Modal>
  );
}

/** The server's refusal, one line per refused row (each naming its teacher), after its summary. */
function detailTexts(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [errorText(err)];
  const en = apiLanguage() === 'en';
  return [errorText(err), ...err.body.details.map((d) => (en ? d.messageEn || d.message : d.message))];
}
