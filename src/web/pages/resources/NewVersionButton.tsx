import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Progress } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { typeForFileName, ACCEPT_ATTRIBUTE } from '../../../shared/resources.filetypes';
import { errorText } from '../../api/client';
import { uploadInChunks, useAddVersion } from '../../api/resources';

/** Uploads a replacement file as the next version; earlier versions stay downloadable. */
export function NewVersionButton({ resourceId }: { resourceId: number }) {
  const { t } = useTranslation('resources');
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const add = useAddVersion();
  const pick = async (file: File | undefined) => {
    if (!file) return;
    try {
      setProgress(0);
      const upload = await uploadInChunks(file, typeForFileName(file.name) ?? file.type, (f) =>
        setProgress(Math.round(f * 100)),
      );
      await add.mutateAsync({ id: resourceId, body: { uploadId: upload.id, note: null } });
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        accept={ACCEPT_ATTRIBUTE}
        style={{ display: 'none' }}
        onChange={(e) => void pick(e.target.files?.[0])}
      />
      <Button icon={<UploadOutlined />} onClick={() => input.current?.click()} loading={progress !== null}>
        {t('newVersion')}
      </Button>
      {progress !== null ? <Progress type="circle" size={28} percent={progress} /> : null}
    </>
  );
}
