import { Select, type SelectProps } from 'antd';
import type { Labelled } from '../../shared/enums';
import { useLabels } from './labels';

type Props<K extends string> = Omit<SelectProps, 'options'> & { labels: Record<K, Labelled>; codes?: readonly K[] };

/** A Select over one of the shared vocabularies, worded in the UI language. */
export function EnumSelect<K extends string>({ labels, codes, ...rest }: Props<K>) {
  const { options } = useLabels();
  return <Select allowClear options={options(labels, codes)} {...rest} />;
}
