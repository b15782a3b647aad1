import { ReloadOutlined } from '@ant-design/icons';
import { Button, Flex } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A row of list filters with a reset button. */
export function FilterBar({ children, onReset }: { children: ReactNode; onReset?: () => void }) {
  const { t } = useTranslation();
  return (
    <Flex wrap gap={8} style={{ marginBottom: 16 }} align="center">
      {children}
      {onReset ? (
        <Button icon={<ReloadOutlined />} onClick={onReset}>
          {t('reset')}
        </Button>
      ) : null}
    </Flex>
  );
}

export const boolOptions = (t: (k: string) => string) => [
  { value: 'true', label: t('common:yes') },
  { value: 'false', label: t('common:no') },
];
