import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';

const TABS = ['', 'due', 'report', 'structure', 'mentorships', 'studios', 'settings'] as const;

/** The exchange module's sub-pages, one click apart. */
export function ExchangeNav() {
  const { t } = useTranslation('exchange');
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const current = TABS.find((k) => k && pathname.startsWith(`/exchange/${k}`)) ?? '';
  return (
    <Segmented
      style={{ marginBottom: 16 }}
      value={current}
      onChange={(v) => navigate(v ? `/exchange/${String(v)}` : '/exchange')}
      options={TABS.map((k) => ({
        value: k,
        label: <span data-testid={`exchange-tab-${k || 'register'}`}>{t(`tabs.${k || 'register'}`)}</span>,
      }))}
    />
  );
}
