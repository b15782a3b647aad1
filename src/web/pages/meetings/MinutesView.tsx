import { Divider, Typography } from 'antd';
import { Fragment, type ReactNode } from 'react';
import { parseMinutes, type Inline } from '../../../shared/meetings.markdown';

const inlines = (parts: Inline[]): ReactNode =>
  parts.map((p, i) => (p.bold ? <strong key={i}>{p.text}</strong> : <Fragment key={i}>{p.text}</Fragment>));

/** Renders the minutes' markdown subset as React text nodes: stored text can never become markup. */
export function MinutesView({ body }: { body: string }) {
  return (
    <div data-testid="minutes-view" style={{ lineHeight: 1.8 }}>
      {parseMinutes(body).map((b, i) => {
        if (b.type === 'rule') return <Divider key={i} />;
        if (b.type === 'heading')
          return (
            <Typography.Title key={i} level={b.level === 1 ? 4 : 5} style={{ marginTop: 12 }}>
              {inlines(b.inlines)}
            </Typography.Title>
          );
        if (b.type === 'item')
          return (
            <div key={i} style={{ paddingLeft: 16, textIndent: -16 }}>
              {b.marker} {inlines(b.inlines)}
            </div>
          );
        return (
          <p key={i} style={{ whiteSpace: 'pre-wrap', margin: '6px 0' }}>
            {inlines(b.inlines)}
          </p>
        );
      })}
    </div>
  );
}
