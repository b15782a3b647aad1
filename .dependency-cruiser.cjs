/**
 * The boundaries `npm run lint` enforces (scripts/check-boundaries.ts runs this and adds the
 * module-level cycle check). docs/architecture.md explains each rule.
 */
const MOD = '^src/server/modules/([^/]+)/';
const TEST_SUPPORT =
  '(\\.test\\.ts|\\.test-helpers\\.ts|\\.test-setup\\.ts|\\.test-fixtures\\.ts|\\.fixtures\\.ts|\\.child\\.ts)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Files must not import each other in a circle (type-only imports vanish at run time; lazy import() of pages is not a cycle at load).',
      from: { path: '^src/' },
      to: {
        circular: true,
        dependencyTypesNot: ['type-only', 'dynamic-import'],
        viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] },
      },
    },
    {
      name: 'module-internals',
      severity: 'error',
      comment:
        "A module uses another only through that module's public index.ts (tests may reach further to set up data).",
      from: { path: MOD, pathNot: TEST_SUPPORT },
      to: {
        path: '^src/server/modules/([^/]+)/',
        pathNot: ['^src/server/modules/$1/', '^src/server/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'routes-without-database',
      severity: 'error',
      comment:
        'Routes are HTTP only (validate, call a service, answer): queries live in services, repos and scope files.',
      from: { path: '\\.routes\\.ts$' },
      to: { path: ['^node_modules/kysely/', '^src/server/db/'] },
    },
    {
      name: 'pure-rules',
      severity: 'error',
      comment:
        'Business rules, engines, policies and validators are plain functions of data: no database, no files, no HTTP.',
      from: { path: '\\.(rules|engine|policy|validate|scoring|formula)\\.ts$' },
      to: {
        path: ['^node_modules/(kysely|pg|@electric-sql|fastify)', '^src/server/(db|storage)/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'pure-rules-core',
      severity: 'error',
      comment: 'Business rules do not touch files or the network.',
      from: { path: '\\.(rules|engine|policy|validate|scoring|formula)\\.ts$' },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|node:fs|net|node:net|http|node:http|child_process|node:child_process)$',
      },
    },
    {
      name: 'shared-is-isomorphic',
      severity: 'error',
      comment: 'src/shared runs in the browser and on the server: it imports neither, nor Node built-ins.',
      from: { path: '^src/shared/' },
      to: { path: ['^src/(server|web|cli)/'] },
    },
    {
      name: 'shared-without-node',
      severity: 'error',
      from: { path: '^src/shared/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'web-not-server',
      severity: 'error',
      comment: 'The web app talks to the server over HTTP only; shared code lives in src/shared.',
      from: { path: '^src/web/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'server-not-web',
      severity: 'error',
      from: { path: '^src/(server|cli)/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Production code never imports the test harness, factories or fixtures.',
      from: { path: '^src/', pathNot: [TEST_SUPPORT, '^src/server/test/'] },
      to: { path: ['^src/server/test/', TEST_SUPPORT] },
    },
    {
      name: 'server-runtime-deps',
      severity: 'error',
      comment:
        'What the server runs must be a dependency, not a devDependency (the production image installs without dev).',
      from: { path: '^src/(server|cli|shared)/', pathNot: [TEST_SUPPORT, '^src/server/test/'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^src/server/modules/io/fixtures/', '^scripts/lint-fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    combinedDependencies: true,
  },
};
