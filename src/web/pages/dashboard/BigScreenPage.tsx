import { FullscreenExitOutlined } from '@ant-design/icons';
import { Button, ConfigProvider, Empty, theme } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { beijingDisplay } from '../../../shared/beijing-time';
import { chartIsEmpty, chartOption } from '../../../shared/dashboard.charts';
import { formatFigure } from '../../../shared/dashboard.format';
import type { Chart } from '../../../shared/dashboard.schemas';
import { useDashboard } from '../../api/dashboard';
import { DashChart } from './DashChart';
import { useDashboardFilters } from './filters';
import { MapCard } from './MapCard';

export const BIG_SCREEN_REFRESH_MS = 60_000;

const card: React.CSSProperties = {
  background: '#0a1730',
  border: '1px solid #1f3a6b',
  borderRadius: 6,
  padding: 10,
  display: 'flex',
  flexDirection: 'column',
  minHeight: 0,
};

function ScreenChart({ chart, lang }: { chart: Chart; lang: 'zh' | 'en' }) {
  const option = useMemo(() => chartOption(chart, lang, { dark: true }), [chart, lang]);
  return (
    <section style={card}>
      <h2 style={{ margin: '0 0 6px', fontSize: 16, color: '#8fc1ff' }}>{chart.title[lang]}</h2>
      <div style={{ flex: 1, minHeight: 0 }}>
        <DashChart option={option} height="100%" />
      </div>
    </section>
  );
}

/**
 * 数据大屏 for a signed-in user: dark, 16:9, covering the whole window, refreshing every minute.
 * (A meeting-room display without an account uses a display link, served by the server.)
 */
export default function BigScreenPage() {
  const { t, i18n } = useTranslation('dashboard');
  const lang = i18n.language === 'en-US' ? 'en' : 'zh';
  const navigate = useNavigate();
  const { filters, search } = useDashboardFilters();
  const { data, dataUpdatedAt } = useDashboard(filters, BIG_SCREEN_REFRESH_MS);
  const [, tick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(id);
  }, []);
  const figures = data?.panels.flatMap((p) => p.figures).slice(0, 8) ?? [];
  const charts =
    data?.panels
      .flatMap((p) => p.charts)
      .filter((c) => !chartIsEmpty(c))
      .slice(0, 4) ?? [];
  return (
    <ConfigProvider theme={{ algorithm: theme.darkAlgorithm }}>
      <div
        style={{ position: 'fixed', inset: 0, zIndex: 1000, background: '#050b1a', color: '#d9e6ff' }}
        data-testid="big-screen"
      >
        <div
          style={{
            position: 'absolute',
            inset: 0,
            margin: 'auto',
            width: 'min(100vw, 177.78vh)',
            height: 'min(56.25vw, 100vh)',
            display: 'grid',
            gridTemplateRows: '8% 14% 1fr',
            gap: '1%',
            padding: '1%',
            boxSizing: 'border-box',
          }}
        >
          <header
            style={{
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'space-between',
              borderBottom: '1px solid #1f3a6b',
            }}
          >
            <h1 style={{ margin: 0, fontSize: '2vw', letterSpacing: '0.15em', color: '#8fc1ff' }}>
              {t('screenTitle', { name: data?.scope.name ?? '' })}
            </h1>
            <span style={{ color: '#7f93b8' }}>
              {dataUpdatedAt
                ? t('updatedAt', { time: beijingDisplay(new Date(dataUpdatedAt).toISOString(), true).slice(11) })
                : null}
              <Button
                type="text"
                icon={<FullscreenExitOutlined />}
                style={{ color: '#7f93b8' }}
                onClick={() => void navigate(`/${search ? `?${search}` : ''}`)}
                data-testid="exit-big-screen"
              />
            </span>
          </header>
          <div
            style={{ display: 'grid', gridTemplateColumns: `repeat(${Math.max(1, figures.length)}, 1fr)`, gap: '1%' }}
          >
            {figures.map((f) => (
              <div
                key={f.key}
                style={{
                  ...card,
                  alignItems: 'center',
                  justifyContent: 'center',
                  background: 'linear-gradient(180deg,#0d1f44,#091530)',
                }}
              >
                <div style={{ fontSize: '1.9vw', fontWeight: 700, color: '#4fd2ff' }}>
                  {formatFigure(f.value, f.unit, lang)}
                </div>
                <div style={{ fontSize: '0.85vw', color: '#9fb3d9', textAlign: 'center' }}>{f.label[lang]}</div>
              </div>
            ))}
          </div>
          <div
            style={{
              display: 'grid',
              gridTemplateColumns: '1fr 1.3fr 1fr',
              gridTemplateRows: '1fr 1fr',
              gap: '1%',
              minHeight: 0,
            }}
          >
            {charts.slice(0, 2).map((c) => (
              <ScreenChart key={c.key} chart={c} lang={lang} />
            ))}
            <section style={{ ...card, gridColumn: 2, gridRow: '1 / span 2' }}>
              <h2 style={{ margin: '0 0 6px', fontSize: 16, color: '#8fc1ff' }}>{t('map')}</h2>
              <div style={{ flex: 1, minHeight: 0 }}>
                <MapCard filters={filters} dark height="100%" refreshMs={BIG_SCREEN_REFRESH_MS} />
              </div>
            </section>
            {charts.slice(2, 4).map((c) => (
              <ScreenChart key={c.key} chart={c} lang={lang} />
            ))}
            {data && charts.length === 0 ? <Empty description={t('noData')} /> : null}
          </div>
        </div>
      </div>
    </ConfigProvider>
  );
}
