import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

/**
 * What a page shows to a role that may not use it: a plain 403 with the reason, instead of a form
 * whose every action the server refuses, or a 404 that suggests the address is wrong.
 */
export function NoPermission({ reason }: { reason?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('noPermission')}
      subTitle={reason ?? t('noPermissionHint')}
      extra={<Button onClick={() => void navigate('/')}>{t('backHome')}</Button>}
      data-testid="no-permission"
    />
  );
}
