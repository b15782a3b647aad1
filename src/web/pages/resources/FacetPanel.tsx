import { Card, Checkbox, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FACETS, type SearchResult } from '../../../shared/resources.schemas';
import { useLabels } from '../../components/labels';
import { listOf, type UrlState } from '../../components/useUrlState';
import { FACET_LABELS, FACET_PARAM } from './labels';

/** Facet counts beside the results; ticking a value filters by it (several values of one facet widen). */
export function FacetPanel({
  facets,
  state,
  set,
}: {
  facets: SearchResult['facets'] | undefined;
  state: UrlState;
  set: (patch: Record<string, string[]>) => void;
}) {
  const { t } = useTranslation('resources');
  const { label } = useLabels();
  return (
    <Flex vertical gap={12} data-testid="resource-facets">
      {FACETS.map((f) => {
        const chosen = listOf(state[FACET_PARAM[f]]);
        const buckets = facets?.[f] ?? [];
        if (!buckets.length && !chosen.length) return null;
        const labels = FACET_LABELS[f];
        return (
          <Card key={f} size="small" title={t(`facets.${f}`)}>
            <Flex vertical gap={4}>
              {buckets.map((b) => (
                <Checkbox
                  key={b.value}
                  checked={chosen.includes(b.value)}
                  onChange={(e) =>
                    set({
                      [FACET_PARAM[f]]: e.target.checked ? [...chosen, b.value] : chosen.filter((v) => v !== b.value),
                    })
                  }
                  data-testid={`facet-${f}-${b.value}`}
                >
                  {b.label ?? (labels ? label(labels, b.value) : b.value)}{' '}
                  <Typography.Text type="secondary">({b.count})</Typography.Text>
                </Checkbox>
              ))}
            </Flex>
          </Card>
        );
      })}
    </Flex>
  );
}
