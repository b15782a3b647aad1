/**
 * The load generator of the load bench, run as its own process so it does not share the server's
 * event loop: `node --import tsx bench/load-client.ts '<json options>'`. Drives one URL with
 * autocannon and prints one line of JSON (LoadClientResult) on stdout.
 */
import autocannon from 'autocannon';
import type { LoadClientOptions, LoadClientResult } from './load-report.js';
import { percentile } from './lib.js';

async function main() {
  const opts = JSON.parse(process.argv[2] ?? '{}') as LoadClientOptions;
  const times: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationS,
        headers: { accept: 'application/json', ...(opts.cookie ? { cookie: opts.cookie } : {}) },
        timeout: 30,
      },
      (err: unknown, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    // every latency, for the percentiles autocannon does not report (p95)
    instance.on('response', (_client, _status, _bytes, ms) => {
      times.push(ms);
    });
  });
  const elapsedS = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const out: LoadClientResult = {
    requests: result.requests.total,
    rps: result.requests.average,
    elapsedS,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v.count ?? 0]),
    ),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
