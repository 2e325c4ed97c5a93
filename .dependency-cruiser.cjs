/**
 * Module boundaries from DESIGN.md, checked in CI:
 *  1. another module is reached only through its index.ts;
 *  2. platform/ imports no module and no app/;
 *  3. modules import no app/;
 *  4. no cycles;
 *  5. the web console (web/) and the server (src/) share no code: the console talks to the server over HTTP.
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
      name: 'web-talks-http-only',
      comment: 'The browser app reaches the server only over HTTP (fetch, EventSource), never by importing its code',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(src|test|bench|bin)/' },
    },
    {
      name: 'server-imports-no-web',
      comment: 'The server serves the built console as files; it imports nothing from web/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^web/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^(src|web)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
