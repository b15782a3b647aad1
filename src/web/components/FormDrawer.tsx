import { Button, Drawer, Flex, Form, Grid, type FormInstance } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from './serverErrors';
import { FormErrors } from './FormErrors';

interface Props<T> {
  open: boolean;
  title: ReactNode;
  form: FormInstance<T>;
  onClose: () => void;
  /** Throw (e.g. mutateAsync) to keep the drawer open; the server's field errors land on the fields. */
  onSubmit: (values: T) => Promise<unknown>;
  mapField?: Parameters<typeof applyServerErrors>[2];
  initialValues?: Partial<T>;
  children: ReactNode;
  width?: number;
  testId?: string;
}

/** A create/edit form in a side drawer: validate, submit, show server errors where they belong. */
export function FormDrawer<T extends object>({
  open,
  title,
  form,
  onClose,
  onSubmit,
  mapField,
  initialValues,
  children,
  width = 720,
  testId,
}: Props<T>) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  // on a phone the drawer takes the whole width (a 720 px drawer opened off-screen)
  const phone = Grid.useBreakpoint().md === false;
  useEffect(() => {
    if (open) {
      setErrors([]);
      form.resetFields();
      if (initialValues) form.setFieldsValue(initialValues as never);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const submit = async () => {
    let values: T;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setErrors([]);
    setBusy(true);
    try {
      await onSubmit(values);
      onClose();
    } catch (e) {
      setErrors(applyServerErrors(form, e, mapField));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      title={title}
      size={phone ? '100%' : width}
      onClose={onClose}
      forceRender
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button
            type="primary"
            loading={busy}
            onClick={() => void submit()}
            data-testid={testId ? `${testId}-submit` : 'form-submit'}
          >
            {t('save')}
          </Button>
        </Flex>
      }
    >
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical" onFinish={() => void submit()} data-testid={testId}>
        {children}
      </Form>
    </Drawer>
  );
}
