import {
  DesktopOutlined,
  DownOutlined,
  GlobalOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  SafetyCertificateOutlined,
  SearchOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Drawer, Dropdown, Flex, Grid, Layout, Menu, Spin, Tag, Typography, type MenuProps } from 'antd';
import { Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ROLE_LABELS } from '../../shared/enums';
import { useMe } from '../api/auth';
import { useSsoAwareLogout } from '../api/identity';
import { useLabels } from '../components/labels';
import { changeLanguage } from '../i18n';
import { ChangePasswordModal } from './ChangePasswordModal';
import { GlobalSearch } from '../components/GlobalSearch';
import { NotificationBell } from './NotificationBell';
import { PendingSync } from '../offline/PendingSync';
import { clearApiCache } from '../offline/queue';
import { SessionsModal } from './SessionsModal';
import { TotpModal } from './TotpModal';
import './layout.css';
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
  // below md (a phone) the sider is a drawer opened from the header; the header keeps only icons
  const phone = Grid.useBreakpoint().md === false;
  const [navOpen, setNavOpen] = useState(false);
  // the header's search box does not fit a phone: an icon opens it in a panel from the top
  const [searchOpen, setSearchOpen] = useState(false);
  const [searchShown, setSearchShown] = useState(false);
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
        ? { type: 'group' as const, key: g, label: collapsed && !phone ? null : t(`menuGroup.${g}`), children }
        : null;
    }).filter((g) => g !== null);
    return [...top, ...groups];
  }, [modules, t, collapsed, phone]);

  const selected = useMemo(() => {
    const paths = modules.flatMap((m) => (m.menu ? [m.menu.path] : []));
    const match = paths.filter((p) =>
      p === '/' ? location.pathname === '/' : location.pathname === p || location.pathname.startsWith(p + '/'),
    );
    return match.sort((a, b) => b.length - a.length).slice(0, 1);
  }, [modules, location.pathname]);

  const userMenu: MenuProps['items'] = [
    // on a phone the header has no room for who is signed in: the menu says it
    ...(phone && me
      ? [
          {
            key: 'me',
            disabled: true,
            label: `${me.displayName} · ${label(ROLE_LABELS, me.role)}${me.scopeName ? ` · ${me.scopeName}` : ''}`,
          },
          { type: 'divider' as const },
        ]
      : []),
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

  const doLogout = () => {
    // what the service worker kept of this user's data for offline use goes with the session
    void clearApiCache();
    logout.mutate(undefined, {
      // a session that came through SSO also ends at the provider, which then returns to /login
      onSuccess: (r) => {
        if (r.redirectTo) window.location.assign(r.redirectTo);
        else void navigate('/login', { replace: true });
      },
      onError: () => void navigate('/login', { replace: true }),
    });
  };

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      items={items}
      selectedKeys={selected}
      onClick={(e) => {
        setNavOpen(false);
        void navigate(e.key);
      }}
      data-testid="side-menu"
    />
  );
  const brand = (small: boolean) => (
    <Flex
      align="center"
      justify="center"
      style={{ height: 56, flex: 'none', color: '#fff', fontWeight: 600, fontSize: small ? 16 : 18, letterSpacing: 2 }}
    >
      {small ? '共进' : '共进 Gongjin'}
    </Flex>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {phone ? (
        <Drawer
          open={navOpen}
          onClose={() => setNavOpen(false)}
          placement="left"
          size={256}
          closable={false}
          styles={{ body: { padding: 0, background: '#001529' } }}
          data-testid="nav-drawer"
        >
          {brand(false)}
          {menu}
        </Drawer>
      ) : (
        <Sider
          theme="dark"
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          width={208}
          className="gj-sider"
          style={{ position: 'sticky', top: 0, height: '100vh' }}
        >
          {brand(collapsed)}
          {/* the menu scrolls on its own, above the collapse bar (the last item was hidden under it) */}
          <div className="gj-sider-menu">{menu}</div>
        </Sider>
      )}
      <Layout style={{ minWidth: 0 }}>
        <Header
          style={{
            background: '#fff',
            padding: phone ? '0 8px' : '0 24px',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
            lineHeight: '56px',
          }}
        >
          <Flex justify="space-between" align="center" gap={8} style={{ height: '100%' }}>
            <Flex align="center" gap={4} style={{ minWidth: 0 }}>
              {phone ? (
                <Button
                  type="text"
                  icon={<MenuOutlined />}
                  aria-label={t('mobile.openMenu')}
                  onClick={() => setNavOpen(true)}
                  data-testid="nav-open"
                />
              ) : null}
              <Typography.Text strong ellipsis style={{ fontSize: 16 }}>
                {phone ? '共进' : t('productName')}
              </Typography.Text>
            </Flex>
            <Flex align="center" gap={phone ? 0 : 16} style={{ flex: 'none' }}>
              {me && !phone ? <GlobalSearch /> : null}
              {me && phone ? (
                <Button
                  type="text"
                  icon={<SearchOutlined />}
                  aria-label={t('search.placeholder')}
                  onClick={() => setSearchOpen(true)}
                  data-testid="search-open"
                />
              ) : null}
              {me ? <PendingSync userId={me.id} /> : null}
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
                  {phone ? null : i18n.language === 'en-US' ? 'English' : '中文'}
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
                      else if (e.key === 'password') setPwdOpen(true);
                    },
                  }}
                >
                  <Button type="text" data-testid="user-menu" aria-label={me.displayName}>
                    <UserOutlined />
                    {phone ? null : (
                      <>
                        <span>{me.displayName}</span>
                        <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                          {label(ROLE_LABELS, me.role)}
                        </Tag>
                        {me.scopeName ? <Typography.Text type="secondary">{me.scopeName}</Typography.Text> : null}
                      </>
                    )}
                    <DownOutlined />
                  </Button>
                </Dropdown>
              ) : null}
            </Flex>
          </Flex>
        </Header>
        <Content style={{ margin: phone ? 8 : 16 }}>
          <div
            style={{
              background: '#fff',
              padding: phone ? 12 : 24,
              borderRadius: 8,
              minHeight: phone ? 'calc(100vh - 72px)' : 'calc(100vh - 88px)',
            }}
          >
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
      {phone && me ? (
        <Drawer
          open={searchOpen}
          onClose={() => setSearchOpen(false)}
          // the drawer takes focus when it opens: the search box takes it once the drawer is shown
          afterOpenChange={setSearchShown}
          placement="top"
          size="auto"
          closable={false}
          destroyOnHidden
          styles={{ body: { padding: 12 } }}
          data-testid="search-drawer"
        >
          <GlobalSearch block focused={searchShown} onPicked={() => setSearchOpen(false)} />
        </Drawer>
      ) : null}
      <ChangePasswordModal open={pwdOpen} onClose={() => setPwdOpen(false)} />
      <SessionsModal open={sessionsOpen} onClose={() => setSessionsOpen(false)} />
      <TotpModal open={totpOpen} onClose={() => setTotpOpen(false)} />
    </Layout>
  );
}
