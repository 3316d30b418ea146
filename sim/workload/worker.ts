/**
 * A lab worker process: one Redlock (correct or a broken variant) over ioredis (or, with
 * `--client node-redis`, node-redis) clients to
 * its group's proxies, running the acquire / write / release loop and appending its
 * history to a JSONL file. Built to dist/sim-worker.js; forked by the runner.
 *
 * Protocol (IPC): the runner sends `config`; the worker connects and answers `ready`; the
 * runner sends `go`; the worker runs until its deadline, its attempt limit or `stop`, then
 * answers `done` and exits. It also exits on its own when the runner disconnects or when
 * a hard deadline passes, so no worker outlives its run.
 */
import { Redis } from 'ioredis';
import { Random } from '../random.js';
import { createLockClient } from './client-variants.js';
import { HistoryWriter } from './history-writer.js';
import { openNodeRedisClients } from './lock-client-library.js';
import { ResourceClient } from './resource.js';
import { runWorkerLoop } from './worker-loop.js';
import type { FromWorker, HoldReport, ToWorker, WorkerConfig } from './worker-config.js';

// After the run's deadline the worker gets this long to finish its last operation.
const GRACE_TTLS = 3;
const GRACE_EXTRA_MS = 2_000;
// Waiting for `go` is bounded too: a runner that never sends it must not leave us behind.
const GO_TIMEOUT_MS = 60_000;

/** Sends a message and resolves once it left (or at once when the runner is gone). */
function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function nodeClient(host: string, port: number, config: WorkerConfig): Redis {
  const client = new Redis({
    host,
    port,
    // With --client node-redis these serve only the broken variants' raw commands.
    lazyConnect: config.client === 'node-redis',
    // The library bounds every command with its own per-node timeout, so the offline
    // queue only holds commands for the short time a reconnect takes.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(100, config.nodeTimeoutMs * 2),
    // A command must never be replayed after a reconnect: a replayed lock SET would
    // leave a key nobody owns.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(20 * times, 200),
  });
  client.on('error', () => {});
  return client;
}

async function main(config: WorkerConfig, goSignal: Promise<void>, stopped: () => boolean): Promise<number> {
  const history = new HistoryWriter(config.historyPath);
  const clients = config.endpoints.map((endpoint) => nodeClient(endpoint.host, endpoint.port, config));
  const nodeRedis = config.client === 'node-redis' ? await openNodeRedisClients(config.endpoints, Math.max(100, config.nodeTimeoutMs * 2)) : undefined;
  const client = createLockClient({
    variant: config.variant,
    clients,
    ...(nodeRedis ? { redlockClients: nodeRedis.clients } : {}),
    ttlMs: config.ttlMs,
    driftFactor: config.driftFactor,
    fenced: config.fenced,
    retryCount: config.retryCount,
    retryDelayMs: config.retryDelayMs,
    nodeTimeoutMs: config.nodeTimeoutMs,
    holdMs: config.holdMs,
    // The library's retry jitter from the run's seed too, not Math.random.
    random: (() => {
      const random = new Random(config.librarySeed);
      return () => random.next();
    })(),
  });
  const resource = new ResourceClient({ endpoint: config.resourceEndpoint });
  try {
    await send({ type: 'ready' });
    await goSignal;
    const hardExit = setTimeout(() => {
      history.close();
      process.exit(0);
    }, config.runMs + GRACE_TTLS * config.ttlMs + GRACE_EXTRA_MS);
    hardExit.unref();
    const record = (op: Parameters<HistoryWriter['append']>[0]): void => history.append(op);
    // Fire and forget: a hold report is a hint for reactive faults, never waited for.
    const report = (hold: HoldReport): void => {
      if (process.connected && process.send) process.send({ type: 'hold', report: hold } satisfies FromWorker);
    };
    const attempts = await Promise.all(config.loops.map((loop) => runWorkerLoop({ config, loop, client, resource, record, report, stopped })));
    return attempts.reduce((sum, count) => sum + count, 0);
  } finally {
    history.close();
    await Promise.allSettled([client.quit(), resource.quit(), nodeRedis?.close()]);
  }
}

let stopRequested = false;
let resolveGo: () => void = () => {};
const goSignal = new Promise<void>((resolve) => {
  resolveGo = resolve;
});
const goTimeout = setTimeout(() => process.exit(0), GO_TIMEOUT_MS);

process.on('disconnect', () => process.exit(0));
process.on('message', (message: ToWorker) => {
  if (message.type === 'config') {
    main(message.config, goSignal, () => stopRequested).then(
      async (attempts) => {
        await send({ type: 'done', attempts });
        process.exit(0);
      },
      async (error: unknown) => {
        await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        process.exit(1);
      },
    );
  } else if (message.type === 'go') {
    clearTimeout(goTimeout);
    resolveGo();
  } else {
    stopRequested = true;
    resolveGo();
  }
});
