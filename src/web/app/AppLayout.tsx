import {
  DesktopOutlined,
  DownOutlined,
  GlobalOutlined,
  KeyOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Flex, Layout, Menu, Spin, Tag, Typography, type MenuProps } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ROLE_LABELS } from '../../shared/enums';
import { useMe } from '../api/auth';
import { useSsoAwareLogout } from '../api/identity';
import { useLabels } from '../components/labels';
import { changeLanguage } from '../i18n';
import { ChangePasswordModal } from './ChangePasswordModal';
import { NotificationBell } from './NotificationBell';
import { SessionsModal } from './SessionsModal';
import { TotpModal } from './TotpModal';
import { MENU_GROUPS, modulesFor } from './modules';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { label } = useLabels();
  const { data: me } = useMe();
  const logout = useSsoAwareLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [pwdOpen, setPwdOpen] = useState(false);
  const [sessionsOpen, setSessionsOpen] = useState(false);
  const [totpOpen, setTotpOpen] = useState(false);

  const modules = modulesFor(me ?? undefined);
  const items = useMemo<MenuProps['items']>(() => {
    const top = modules
      .filter((m) => m.menu && !m.menu.group)
      .map((m) => ({ key: m.menu!.path, icon: m.menu!.icon, label: t(m.menu!.label) }));
    const groups = MENU_GROUPS.map((g) => {
      const children = modules
        .filter((m) => m.menu?.group === g)
        .map((m) => ({ key: m.menu!.path, icon: m.menu!.icon, label: t(m.menu!.label) }));
      return children.length
        ? { type: 'group' as const, key: g, label: collapsed ? null : t(`menuGroup.${g}`), children }
        : null;
    }).filter((g) => g !== null);
    return [...top, ...groups];
  }, [modules, t, collapsed]);

  const selected = useMemo(() => {
    const paths = modules.flatMap((m) => (m.menu ? [m.menu.path] : []));
    const match = paths.filter((p) =>
      p === '/' ? location.pathname === '/' : location.pathname === p || location.pathname.startsWith(p + '/'),
    );
    return match.sort((a, b) => b.length - a.length).slice(0, 1);
  }, [modules, location.pathname]);

  const userMenu: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: t('changePassword') },
    {
      key: 'sessions',
      icon: <DesktopOutlined />,
      label: <span data-testid="user-menu-sessions">{t('sessions.menu')}</span>,
    },
    {
      key: 'totp',
      icon: <SafetyCertificateOutlined />,
      label: t('identity:twoStep'),
      'data-testid': 'menu-totp',
    } as NonNullable<MenuProps['items']>[number],
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('logout'), danger: true },
  ];
  const langMenu: MenuProps['items'] = [
    { key: 'zh-CN', label: '简体中文' },
    { key: 'en-US', label: 'English' },
  ];

  const doLogout = () =>
    logout.mutate(undefined, {
      // a session that came through SSO also ends at the provider, which then returns to /login
      onSuccess: (r) => {
        if (r.redirectTo) window.location.assign(r.redirectTo);
        else void navigate('/login', { replace: true });
      },
      onError: () => void navigate('/login', { replace: true }),
    });

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        theme="dark"
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={208}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <Flex
          align="center"
          justify="center"
          style={{ height: 56, color: '#fff', fontWeight: 600, fontSize: collapsed ? 16 : 18, letterSpacing: 2 }}
        >
          {collapsed ? '共进' : '共进 Gongjin'}
        </Flex>
        <Menu
          theme="dark"
          mode="inline"
          items={items}
          selectedKeys={selected}
          onClick={(e) => void navigate(e.key)}
          data-testid="side-menu"
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: '0 24px',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
            lineHeight: '56px',
          }}
        >
          <Flex justify="space-between" align="center" style={{ height: '100%' }}>
            <Typography.Text strong style={{ fontSize: 16 }}>
              {t('productName')}
            </Typography.Text>
            <Flex align="center" gap={16}>
              {me ? <NotificationBell /> : null}
              <Dropdown
                menu={{
                  items: langMenu,
                  selectable: true,
                  selectedKeys: [i18n.language],
                  onClick: (e) => void changeLanguage(e.key as 'zh-CN' | 'en-US'),
                }}
              >
                <Button type="text" icon={<GlobalOutlined />} data-testid="lang-switch">
                  {i18n.language === 'en-US' ? 'English' : '中文'}
                </Button>
              </Dropdown>
              {me ? (
                <Dropdown
                  menu={{
                    items: userMenu,
                    onClick: (e) => {
                      if (e.key === 'logout') doLogout();
                      else if (e.key === 'sessions') setSessionsOpen(true);
                      else if (e.key === 'totp') setTotpOpen(true);
                      else setPwdOpen(true);
                    },
                  }}
                >
                  <Button type="text" data-testid="user-menu">
                    <UserOutlined />
                    <span>{me.displayName}</span>
                    <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                      {label(ROLE_LABELS, me.role)}
                    </Tag>
                    {me.scopeName ? <Typography.Text type="secondary">{me.scopeName}</Typography.Text> : null}
                    <DownOutlined />
                  </Button>
                </Dropdown>
              ) : null}
            </Flex>
          </Flex>
        </Header>
        <Content style={{ margin: 16 }}>
          <div style={{ background: '#fff', padding: 24, borderRadius: 8, minHeight: 'calc(100vh - 88px)' }}>
            <Suspense
              fallback={
                <Flex justify="center" style={{ padding: 48 }}>
                  <Spin />
                </Flex>
              }
            >
              <Outlet />
            </Suspense>
          </div>
        </Content>
      </Layout>
      <ChangePasswordModal open={pwdOpen} onClose={() => setPwdOpen(false)} />
      <SessionsModal open={sessionsOpen} onClose={() => setSessionsOpen(false)} />
      <TotpModal open={totpOpen} onClose={() => setTotpOpen(false)} />
    </Layout>
  );
}
