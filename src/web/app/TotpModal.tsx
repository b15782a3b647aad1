import { Alert, Button, Descriptions, Input, Modal, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client';
import { useDisableTotp, useNewRecoveryCodes, useTotpStatus } from '../api/identity';
import { RecoveryCodes, TotpEnrol } from '../pages/auth/TotpEnrol';

/** 两步验证 from the user menu: bind an authenticator app, new recovery codes, or turn it off (each with a code). */
export function TotpModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('identity');
  const status = useTotpStatus(open);
  const disable = useDisableTotp();
  const renew = useNewRecoveryCodes();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setCodes(null);
    setCode('');
    setError(null);
    onClose();
  };
  const s = status.data;

  let body: React.ReactNode = null;
  if (codes) body = <RecoveryCodes codes={codes} />;
  else if (s && !s.enabled) body = <TotpEnrol onEnrolled={(r) => setCodes(r.recoveryCodes)} />;
  else if (s) {
    body = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('status')}>
            <Tag color="green">{t('enabled')}</Tag>
            {s.required ? <Tag>{t('requiredTag')}</Tag> : null}
          </Descriptions.Item>
          <Descriptions.Item label={t('recoveryLeft')}>{s.recoveryCodesLeft}</Descriptions.Item>
        </Descriptions>
        {error ? <Alert type="error" showIcon title={error} /> : null}
        <Input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder={t('codeForAction')}
          maxLength={20}
          data-testid="totp-manage-code"
        />
        <Space wrap>
          <Button
            disabled={code.trim().length < 6}
            loading={renew.isPending}
            onClick={() => {
              setError(null);
              renew.mutate(
                { code },
                {
                  onSuccess: (r) => {
                    setCode('');
                    setCodes(r.recoveryCodes);
                  },
                  onError: (e) => setError(errorText(e)),
                },
              );
            }}
          >
            {t('newRecoveryCodes')}
          </Button>
          {!s.required ? (
            <Button
              danger
              disabled={code.trim().length < 6}
              loading={disable.isPending}
              data-testid="totp-disable"
              onClick={() => {
                setError(null);
                disable.mutate({ code }, { onSuccess: () => setCode(''), onError: (e) => setError(errorText(e)) });
              }}
            >
              {t('disable')}
            </Button>
          ) : null}
        </Space>
      </Space>
    );
  }
  return (
    <Modal
      open={open}
      title={t('twoStep')}
      onCancel={close}
      footer={<Button onClick={close}>{t('close')}</Button>}
      destroyOnHidden
      data-testid="totp-modal"
    >
      {body}
    </Modal>
  );
}
