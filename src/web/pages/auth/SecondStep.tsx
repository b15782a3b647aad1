import { Alert, Button, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../api/client';
import { useVerifyCode } from '../../api/identity';
import { useQueryClient } from '@tanstack/react-query';
import { authKeys } from '../../api/auth';
import { RecoveryCodes, TotpEnrol } from './TotpEnrol';
import type { Me } from '../../../shared/auth.schemas';

/**
 * The login's second step: the authenticator code (or a recovery code), or — for administrators
 * who must use two-step verification — binding an authenticator first.
 */
export function SecondStep({
  kind,
  onDone,
  onRestart,
}: {
  kind: 'totp' | 'enrol';
  onDone: (returnTo: string | null) => void;
  onRestart: () => void;
}) {
  const { t } = useTranslation('identity');
  const verify = useVerifyCode();
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [enrolled, setEnrolled] = useState<{ codes: string[]; user?: Me; returnTo: string | null } | null>(null);

  if (kind === 'enrol') {
    if (enrolled) {
      return (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <RecoveryCodes codes={enrolled.codes} />
          <Button
            type="primary"
            block
            data-testid="totp-continue"
            onClick={() => {
              qc.clear();
              if (enrolled.user) qc.setQueryData(authKeys.me, enrolled.user);
              onDone(enrolled.returnTo);
            }}
          >
            {t('continue')}
          </Button>
        </Space>
      );
    }
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon title={t('enrolRequired')} />
        <TotpEnrol
          onEnrolled={(r) =>
            setEnrolled({ codes: r.recoveryCodes, ...(r.user ? { user: r.user } : {}), returnTo: r.returnTo ?? null })
          }
        />
        <Button type="link" block onClick={onRestart}>
          {t('restart')}
        </Button>
      </Space>
    );
  }

  const submit = () => {
    setError(null);
    verify.mutate(
      { code },
      {
        onSuccess: (r) => onDone(r.returnTo),
        onError: (e) => setError(errorText(e)),
      },
    );
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="login-second-step">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('twoStep')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('enterCode')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} data-testid="login-error" /> : null}
      <Input
        value={code}
        onChange={(e) => setCode(e.target.value)}
        placeholder={t('codeOrRecovery')}
        autoComplete="one-time-code"
        maxLength={20}
        autoFocus
        onPressEnter={submit}
        data-testid="login-code"
      />
      <Button
        type="primary"
        block
        disabled={code.trim().length < 6}
        loading={verify.isPending}
        onClick={submit}
        data-testid="login-code-submit"
      >
        {t('verify')}
      </Button>
      <Button type="link" block onClick={onRestart}>
        {t('restart')}
      </Button>
    </Space>
  );
}
