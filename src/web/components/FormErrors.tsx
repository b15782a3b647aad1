import { Alert } from 'antd';

/** Server messages that belong to no single field. */
export function FormErrors({ errors }: { errors: string[] }) {
  if (!errors.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={errors.length === 1 ? errors[0] : undefined}
      description={
        errors.length > 1 ? (
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
