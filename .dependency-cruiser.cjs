/**
 * Module boundaries from DESIGN.md, checked in CI:
 *  1. another module is reached only through its index.ts;
 *  2. platform/ imports no module and no app/;
 *  3. modules import no app/;
 *  4. no cycles.
 * Tests (*.test.ts) may reach into test/support and app/ to compose a world.
 */
module.exports = {
  forbidden: [
    {
      name: 'module-through-index-only',
      comment: 'Another module is reached only through its index.ts',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'app-through-index-only',
      comment: 'The composition root uses modules through their index.ts, except CLI adapters and importers it mounts',
      severity: 'error',
      from: { path: '^src/app/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/[^/]+/index\\.ts$', '^src/modules/[^/]+/[^/]+\\.cli\\.ts$', '^src/modules/cases/import/import\\.(parsers|types)\\.ts$', '^src/modules/places/domain/geojson-import\\.ts$', '^src/modules/organization/organization\\.routes\\.ts$', '^src/modules/cases/domain/(case-types|default-categories)\\.ts$'] },
    },
    {
      name: 'platform-is-plumbing',
      comment: 'platform/ has no business words: it imports no module and no app/',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|app)/' },
    },
    {
      name: 'modules-import-no-app',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/app/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
