// The GraphQL-over-HTTP audit of graphql-http (https://github.com/graphql/graphql-http) against a running API:
// `node audit.mjs http://127.0.0.1:8080/graphql`. Prints every audit that did not pass; exits 1 on any failure
// (a MUST) or warning (a SHOULD). Notices (a MAY) are printed and do not fail.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    const label = { notice: 'NOTICE', warn: 'WARNING', error: 'FAILURE' }[result.status];
    console.log(`${label} ${result.id} ${result.name}\n  ${result.reason}`);
    if (result.response) {
      const body = await result.response.text().catch(() => '');
      console.log(`  HTTP ${result.response.status} ${result.response.headers.get('content-type') ?? ''} ${body.slice(0, 300)}`);
    }
  }
}
console.log(
  `graphql-http audit: ${results.length} audits, ${counts.ok} passed, ${counts.error} failures, ` +
    `${counts.warn} warnings, ${counts.notice} notices`,
);
process.exit(counts.error + counts.warn > 0 ? 1 : 0);
