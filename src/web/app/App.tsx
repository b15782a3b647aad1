import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Flex, Result, Spin, Button } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { authKeys, useMe } from '../api/auth';
import { ApiError, setUnauthorizedHandler } from '../api/client';
import LoginPage from '../pages/auth/LoginPage';
import { AppLayout } from './AppLayout';
import { ForcedPasswordPage } from './ForcedPasswordPage';
import { ANTD_CSP } from './csp';
import { MODULES, modulesFor } from './modules';
import { NoPermission } from '../components/NoPermission';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // do not retry what the server refused
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

/** On any 401, forget the session and go to the login page (remembering where the user was). */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      queryClient.setQueryData(authKeys.me, null);
      if (location.pathname !== '/login')
        void navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, location]);
  return null;
}

function RequireAuth({ children }: { children: React.ReactNode }) {
  const { data: me, isLoading, isError, error, refetch } = useMe();
  const location = useLocation();
  const { t } = useTranslation();
  if (isLoading) {
    return (
      <Flex justify="center" align="center" style={{ minHeight: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (isError) {
    return (
      <Result
        status="warning"
        title={error instanceof Error ? error.message : t('loadFailed')}
        extra={<Button onClick={() => void refetch()}>{t('retry')}</Button>}
      />
    );
  }
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // after an administrator's reset nothing but the password change is open
  if (me.mustChangePassword) return <ForcedPasswordPage />;
  return <>{children}</>;
}

function NotFound() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('notFound')}
      extra={<Button onClick={() => void navigate('/')}>{t('backHome')}</Button>}
    />
  );
}

function AppRoutes() {
  const { data: me } = useMe();
  const allowed = new Set(modulesFor(me ?? undefined).map((m) => m.key));
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/"
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        {MODULES.flatMap((m) =>
          m.routes.map((r) => {
            const C = r.component;
            // a page this role may not use says so (403), rather than "not found"
            const element = allowed.has(m.key) || !me ? <C /> : <NoPermission />;
            return r.path === '' ? (
              <Route key={m.key + ':index'} index element={element} />
            ) : (
              <Route key={m.key + ':' + r.path} path={r.path} element={element} />
            );
          }),
        )}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  return (
    <ConfigProvider
      csp={ANTD_CSP}
      locale={en ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <UnauthorizedRedirect />
            <AppRoutes />
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
