import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { WEEKDAY_LABELS } from '../../../shared/exchange.enums';
import { useLabels } from '../../components/labels';

/** Time column of a slot as 'HH:MM' text: quick to type, checked here and again by the server. */
function TimeField({ value, onChange, testId }: { value?: string; onChange?: (v: string) => void; testId: string }) {
  return (
    <Input
      value={value}
      onChange={(e) => onChange?.(e.target.value.trim())}
      placeholder="HH:MM"
      maxLength={5}
      style={{ width: 90 }}
      data-testid={testId}
    />
  );
}

/** The weekly timetable of an itinerant (走教) assignment: weekday, start, end, class. */
export function TimetableEditor() {
  const { t } = useTranslation('exchange');
  const { en } = useLabels();
  const weekdays = [1, 2, 3, 4, 5].map((d) => ({
    value: d,
    label: en ? WEEKDAY_LABELS[d]!.en : WEEKDAY_LABELS[d]!.zh,
  }));
  const req = [{ required: true, message: t('common:required') }];
  const time = [...req, { pattern: /^([01][0-9]|2[0-3]):[0-5][0-9]$/, message: t('timeFormat') }];
  return (
    <Form.List name="slots">
      {(fields, { add, remove }) => (
        <div data-testid="timetable-editor">
          {fields.map((f, i) => (
            <Space key={f.key} align="baseline" wrap>
              <Form.Item name={[f.name, 'weekday']} rules={req}>
                <Select options={weekdays} style={{ width: 90 }} data-testid={`slot-${i}-weekday`} />
              </Form.Item>
              <Form.Item name={[f.name, 'startTime']} rules={time}>
                <TimeField testId={`slot-${i}-start`} />
              </Form.Item>
              <Form.Item name={[f.name, 'endTime']} rules={time}>
                <TimeField testId={`slot-${i}-end`} />
              </Form.Item>
              <Form.Item name={[f.name, 'className']}>
                <Input placeholder={t('className')} style={{ width: 120 }} data-testid={`slot-${i}-class`} />
              </Form.Item>
              <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common:delete')} />
            </Space>
          ))}
          <Button icon={<PlusOutlined />} onClick={() => add({ weekday: 5 })} data-testid="slot-add">
            {t('addSlot')}
          </Button>
        </div>
      )}
    </Form.List>
  );
}
