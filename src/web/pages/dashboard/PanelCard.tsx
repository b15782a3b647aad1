import { Card, Col, Empty, Row, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { chartIsEmpty, chartOption } from '../../../shared/dashboard.charts';
import { formatFigure } from '../../../shared/dashboard.format';
import type { Chart, Figure, Panel } from '../../../shared/dashboard.schemas';
import { DashChart } from './DashChart';
import { drillHref } from './links';

function useLang() {
  const { i18n } = useTranslation();
  return i18n.language === 'en-US' ? ('en' as const) : ('zh' as const);
}

export function FigureTile({ f }: { f: Figure }) {
  const lang = useLang();
  const href = drillHref(f.drillDown);
  const body = (
    <Card size="small" hoverable={!!href} data-testid={`figure-${f.key}`}>
      <Statistic
        title={f.label[lang]}
        valueRender={() => <span data-testid={`figure-${f.key}-value`}>{formatFigure(f.value, f.unit, lang)}</span>}
      />
      {f.hint ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {f.hint[lang]}
        </Typography.Text>
      ) : null}
    </Card>
  );
  return href ? <Link to={href}>{body}</Link> : body;
}

export function ChartCard({ chart, height }: { chart: Chart; height?: number }) {
  const lang = useLang();
  const { t } = useTranslation('dashboard');
  const navigate = useNavigate();
  const option = useMemo(() => chartOption(chart, lang), [chart, lang]);
  const h = height ?? (chart.kind === 'rank' ? Math.min(520, 60 + chart.points.length * 24) : 280);
  return (
    <Card size="small" title={chart.title[lang]} data-testid={`chart-${chart.key}`}>
      {chartIsEmpty(chart) ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noData')} style={{ height: 180 }} />
      ) : (
        <DashChart
          option={option}
          height={h}
          onClickIndex={(i, series) => {
            // a chart with several lines leads where the clicked line leads
            const href = drillHref(chart.series?.length ? chart.series[series]?.drillDown : chart.points[i]?.drillDown);
            if (href) void navigate(href);
          }}
        />
      )}
    </Card>
  );
}

export function PanelCard({ panel }: { panel: Panel }) {
  const lang = useLang();
  const { t } = useTranslation('dashboard');
  return (
    <Card
      title={panel.title[lang]}
      data-testid={`panel-${panel.key}`}
      extra={
        panel.ignores.length ? (
          <Tooltip title={t('ignoresHint')}>
            <Tag>
              {t('ignores', { filters: panel.ignores.map((k) => t(`filter.${k}`)).join(lang === 'zh' ? '、' : ', ') })}
            </Tag>
          </Tooltip>
        ) : null
      }
    >
      <Row gutter={[12, 12]}>
        {panel.figures.map((f) => (
          <Col key={f.key} xs={12} md={8} xl={6}>
            <FigureTile f={f} />
          </Col>
        ))}
      </Row>
      {panel.charts.length ? (
        <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
          {panel.charts.map((c) => (
            <Col key={c.key} xs={24} lg={12}>
              <ChartCard chart={c} />
            </Col>
          ))}
        </Row>
      ) : null}
    </Card>
  );
}
