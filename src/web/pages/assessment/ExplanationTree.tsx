import { Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { ExplanationNode } from '../../../shared/assessment.schemas';
import { points, useLabels } from '../../components/labels';

/** index → dimension → indicator → data records, each with its plain-language sentence. */
export function ExplanationTree({ node, depth = 0 }: { node: ExplanationNode; depth?: number }) {
  const { en } = useLabels();
  const pts =
    node.points === null
      ? null
      : node.maxPoints === null
        ? points(node.points)
        : `${points(node.points)} / ${points(node.maxPoints)}`;
  return (
    <div
      style={{
        marginLeft: depth ? 20 : 0,
        borderLeft: depth ? '2px solid #f0f0f0' : undefined,
        paddingLeft: depth ? 10 : 0,
        marginBottom: 6,
      }}
      data-testid={depth === 0 ? 'explanation-tree' : undefined}
    >
      <div>
        <Typography.Text strong={depth < 2}>{en ? node.labelEn : node.label}</Typography.Text>
        {pts !== null && (
          <Tag
            style={{ marginLeft: 8 }}
            color={
              node.maxPoints !== null && node.points !== null && node.points >= node.maxPoints ? 'green' : undefined
            }
          >
            {pts}
          </Tag>
        )}
      </div>
      <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
        {en ? node.textEn : node.text}
      </Typography.Paragraph>
      {node.records?.length ? (
        <ul style={{ margin: '2px 0 4px', paddingLeft: 18, fontSize: 12 }}>
          {node.records.map((r, i) => (
            <li key={i}>
              {r.href && r.href.startsWith('/') ? (
                <Link to={r.href}>{r.label}</Link>
              ) : r.href ? (
                <a href={r.href} target="_blank" rel="noreferrer">
                  {r.label}
                </a>
              ) : (
                r.label
              )}
              {r.date ? `（${r.date}）` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {node.children?.map((c) => (
        <ExplanationTree key={c.key} node={c} depth={depth + 1} />
      ))}
    </div>
  );
}
