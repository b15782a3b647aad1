import { useTranslation } from 'react-i18next';

/**
 * The required rule of a field the user picks from (a select, a date, a school): 请选择{label}.
 * Without a message antd says 请输入{label}, which reads wrong on anything but a text box.
 */
export function useChoose() {
  const { t } = useTranslation();
  return (label: string) => ({ required: true, message: t('common:chooseRequired', { label }) });
}
