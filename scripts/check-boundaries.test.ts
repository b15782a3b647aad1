import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, moduleCycles } from './check-boundaries.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('the boundary check', () => {
  it('names every deliberate violation of the fixture tree, and nothing in its clean module', async () => {
    const report = await checkBoundaries(path.join(here, 'lint-fixtures/boundaries'));
    const rules = report.violations.map((v) => v.split(':')[0]).sort();
    expect(rules).toEqual([
      'module-internals',
      'no-circular',
      'pure-rules',
      'routes-without-database',
      'shared-is-isomorphic',
    ]);
    expect(report.violations.find((v) => v.startsWith('module-internals'))).toContain(
      'alpha/alpha.service.ts → src/server/modules/beta/beta.repo.ts',
    );
    expect(report.violations.some((v) => v.includes('gamma'))).toBe(false);
    expect(report.moduleCycles).toEqual([['alpha', 'beta']]);
  });

  it('finds this project free of violations and module cycles', async () => {
    const report = await checkBoundaries(path.join(here, '..'));
    expect(report.violations).toEqual([]);
    expect(report.moduleCycles).toEqual([]);
  });

  it('reports each module cycle once', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c', 'a'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(
      moduleCycles(edges)
        .map((c) => c.join('→'))
        .sort(),
    ).toEqual(['a→b', 'a→b→c']);
  });
});
