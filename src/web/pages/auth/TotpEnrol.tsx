import { Alert, Button, Flex, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../api/client';
import { useConfirmEnrolment, useStartEnrolment } from '../../api/identity';
import type { Me } from '../../../shared/auth.schemas';

/** The 10 recovery codes, shown once. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation('identity');
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert type="warning" showIcon title={t('recoveryCodesSave')} />
      <div
        data-testid="totp-recovery-codes"
        style={{
          display: 'grid',
          gridTemplateColumns: '1fr 1fr',
          gap: 8,
          padding: 12,
          border: '1px solid #f0f0f0',
          borderRadius: 6,
        }}
      >
        {codes.map((c) => (
          <Typography.Text key={c} code>
            {c}
          </Typography.Text>
        ))}
      </div>
      <Typography.Text copyable={{ text: codes.join('\n') }}>{t('copyAll')}</Typography.Text>
    </Space>
  );
}

/**
 * Binding an authenticator app: QR code (and the secret for typing), then the first code; the
 * recovery codes come back. Used from the user menu and as the login's enrolment step.
 */
export function TotpEnrol({
  onEnrolled,
}: {
  onEnrolled: (r: { recoveryCodes: string[]; user?: Me; returnTo?: string | null }) => void;
}) {
  const { t } = useTranslation('identity');
  const start = useStartEnrolment();
  const confirm = useConfirmEnrolment();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);

  if (!start.data) {
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>{t('enrolIntro')}</Typography.Paragraph>
        <Button type="primary" block loading={start.isPending} onClick={() => start.mutate()} data-testid="totp-start">
          {t('enrolStart')}
        </Button>
      </Space>
    );
  }
  const submit = () => {
    setError(null);
    confirm.mutate({ code }, { onSuccess: onEnrolled, onError: (e) => setError(errorText(e)) });
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph>{t('enrolScan')}</Typography.Paragraph>
      <Flex justify="center">
        <img src={start.data.qrDataUrl} alt="TOTP QR" width={200} height={200} data-testid="totp-qr" />
      </Flex>
      <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
        {t('enrolSecret')}{' '}
        <Typography.Text code copyable data-testid="totp-secret">
          {start.data.secret}
        </Typography.Text>
      </Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} data-testid="totp-error" /> : null}
      <Input
        value={code}
        onChange={(e) => setCode(e.target.value)}
        placeholder={t('codePlaceholder')}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        onPressEnter={submit}
        data-testid="totp-enrol-code"
      />
      <Button
        type="primary"
        block
        disabled={code.trim().length < 6}
        loading={confirm.isPending}
        onClick={submit}
        data-testid="totp-enrol-confirm"
      >
        {t('enrolConfirm')}
      </Button>
    </Space>
  );
}
