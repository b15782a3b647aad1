import { Card, Space, Statistic } from 'antd';

/** One row of headline figures. */
export function Figures({ items }: { items: { key: string; title: string; value: string | number }[] }) {
  return (
    <Space wrap size={12} style={{ marginBottom: 16 }}>
      {items.map((i) => (
        <Card key={i.key} size="small" style={{ minWidth: 130 }}>
          <Statistic title={i.title} value={i.value} data-testid={`figure-${i.key}`} />
        </Card>
      ))}
    </Space>
  );
}
