/**
 * The import boundaries of src/ (docs/architecture.md explains the layers). `npm run lint:boundaries`
 * fails when an import crosses one. Type-only imports count too: a layer that must not know the
 * store must not know its row types either; the one exception is the pager, which implements a
 * port the service declares and so may import the service's types (and nothing else of it).
 *
 * Composition roots (src/app.ts, src/main.ts, src/cli/, src/rehearsal/) may import everything;
 * nothing in a layer may import them.
 */
const OUTSIDE = (allowed) => ({ path: '^src/', pathNot: `^src/(${allowed.join('|')})/` });

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment: 'src/domain is pure: no store, service, Slack, pager or configuration, so it can be tested with plain values.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: OUTSIDE(['domain']),
    },
    {
      name: 'domain-does-no-io',
      comment: 'src/domain gets time and data passed in; file, network and process I/O belong to the outer layers.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads)$' },
    },
    {
      name: 'store-imports-only-domain-and-store',
      comment: 'src/store is plain SQL beside well-named functions over domain types; it knows no service, transport or pager.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: OUTSIDE(['domain', 'store']),
    },
    {
      name: 'service-imports-only-domain-store-service',
      comment: 'src/service orchestrates use cases; Slack and PagerDuty reach it only through ports it declares itself (e.g. Pager).',
      severity: 'error',
      from: { path: '^src/service/' },
      to: OUTSIDE(['domain', 'store', 'service']),
    },
    {
      name: 'pager-imports-domain-pager-and-service-ports',
      comment: 'src/pager implements the Pager port; it may see the domain and its own files, and the service only for its port types.',
      severity: 'error',
      from: { path: '^src/pager/' },
      to: OUTSIDE(['domain', 'pager', 'service']),
    },
    {
      name: 'pager-imports-only-types-from-service',
      comment: 'The pager implements the port the service declares; it must not call into the service (import type only).',
      severity: 'error',
      from: { path: '^src/pager/' },
      to: { path: '^src/service/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'slack-imports-only-domain-service-slack',
      comment: 'src/slack is transport and views: handlers ack, delegate to the service, render. Only the service reads and writes the store.',
      severity: 'error',
      from: { path: '^src/slack/' },
      to: OUTSIDE(['domain', 'service', 'slack']),
    },
    {
      name: 'jobs-import-service-slack-pager-domain',
      comment: 'Background loops (src/jobs) drive the service and post through slack/pager/report renderings, never the store directly.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: OUTSIDE(['jobs', 'service', 'slack', 'pager', 'report', 'domain']),
    },
    {
      name: 'report-imports-only-domain-and-report',
      comment: 'src/report renders a run report (SVG, PNG, markdown, HTML) from domain values: pure rendering, like the Slack views.',
      severity: 'error',
      from: { path: '^src/report/' },
      to: OUTSIDE(['domain', 'report']),
    },
    {
      name: 'api-imports-only-domain-service-api',
      comment: 'src/api is the pipeline API transport (issue 12): like a Slack handler it validates, calls a use case and answers; it never reads the store.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: OUTSIDE(['domain', 'service', 'api']),
    },
    {
      name: 'github-imports-domain-github-and-service-ports',
      comment: 'src/github implements the GitHubReviewer port (the App JWT, installation tokens, the deployment callback); like the pager, it sees the service only for its port types.',
      severity: 'error',
      from: { path: '^src/github/' },
      to: OUTSIDE(['domain', 'github', 'service']),
    },
    {
      name: 'github-imports-only-types-from-service',
      comment: 'The GitHub client implements the port the service declares; it must not call into the service (import type only).',
      severity: 'error',
      from: { path: '^src/github/' },
      to: { path: '^src/service/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one; split out what both need. A warning: reported, not failing.',
      severity: 'warn',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    // Not includeOnly '^src/': node's core modules must stay in the graph for domain-does-no-io.
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
