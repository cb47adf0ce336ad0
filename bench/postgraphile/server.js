// PostGraphile v4 serving the bench's PostgreSQL database: the generic, table-generated GraphQL server that
// `cogo-bench load --compare-postgraphile` measures the API against (issue 11). Node's cluster module forks
// WORKERS processes (default 2, one per core of the bench machine) that share one port.
//
// Environment: DATABASE_URL (the bench's database), PORT, WORKERS. Prints "postgraphile listening port=<PORT>"
// once every worker listens.

'use strict';

const cluster = require('node:cluster');
const http = require('node:http');
const { postgraphile } = require('postgraphile');

const databaseUrl = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
const workers = Number(process.env.WORKERS || 2);

if (!databaseUrl || !port) {
  console.error('DATABASE_URL and PORT are required');
  process.exit(2);
}

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i += 1) {
    cluster.fork();
  }
  cluster.on('message', (_worker, message) => {
    if (message === 'listening') {
      listening += 1;
      if (listening === workers) {
        console.log(`postgraphile listening port=${port}`);
      }
    }
  });
  cluster.on('exit', (worker, code) => {
    console.error(`worker ${worker.process.pid} exited with ${code}`);
    process.exit(1);
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers)) {
        worker.kill();
      }
      process.exit(0);
    });
  }
} else {
  // Production-like options: no GraphiQL, no per-query log, no schema watching. `classicIds` keeps the column
  // `id` as `id` (the global node id becomes `nodeId`), so both servers answer with the same offer ids.
  const handler = postgraphile(databaseUrl, 'public', {
    classicIds: true,
    disableQueryLog: true,
    graphiql: false,
    watchPg: false,
    enableQueryBatching: false,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    retryOnInitFail: false,
  });
  http.createServer(handler).listen(port, '127.0.0.1', () => process.send('listening'));
}
