/**
 * A soak of testbed starts: `starts` times, `concurrency` at once, the servers of one
 * embedded testbed (5 redis-server masters, 1 resource redis-server, 1 toxiproxy-server,
 * started together as startEmbeddedTestbed does) are started, checked and stopped. Each
 * check proves every server is the process spawned for it (INFO process_id for redis,
 * /proc socket ownership for both) and that no two servers, in this testbed or in any
 * other one alive at that moment, share a port or a process.
 *
 *   npx tsx sim/testbed/soak-starts.ts [starts=200] [concurrency=3]
 *
 * Prints the counts and exits 1 if any start failed or any server was shared.
 */
import { pathToFileURL } from 'node:url';
import { ownsListeningPort } from './port-owner.js';
import { probe } from './probe.js';
import { RedisServers } from './redis-servers.js';
import { ToxiproxyServer } from './toxiproxy-server.js';

export interface SoakOptions {
  /** Testbed starts in all. @default 200 (1 to 10_000) */
  readonly starts?: number;
  /** Testbeds starting and alive at once. @default 3 (1 to 16) */
  readonly concurrency?: number;
}

export interface SoakResult {
  readonly starts: number;
  /** Servers started (7 per testbed start). */
  readonly servers: number;
  /** Testbed starts that threw. */
  readonly failedStarts: number;
  /** Servers whose port or process another live server also had. */
  readonly sharedServers: number;
  /** Servers not proven to be the process spawned for them. */
  readonly notOwned: number;
  readonly elapsedMs: number;
  /** The first few problems, one line each. */
  readonly problems: readonly string[];
}

const PROBLEMS_KEPT_MAX = 20;
const INFO_TIMEOUT_MS = 2_000;

interface LiveServer {
  readonly label: string;
  readonly pid: number | undefined;
  readonly port: number;
}

/** Runs the soak; never throws for a failed start (it is counted), only for bad options. */
export async function soakStarts(options: SoakOptions = {}): Promise<SoakResult> {
  const starts = options.starts ?? 200;
  const concurrency = options.concurrency ?? 3;
  if (!Number.isInteger(starts) || starts < 1 || starts > 10_000) throw new RangeError(`starts must be an integer from 1 to 10000, got ${String(starts)}`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new RangeError(`concurrency must be an integer from 1 to 16, got ${String(concurrency)}`);
  const startedMs = performance.now();
  const live = new Map<string, LiveServer>();
  const problems: string[] = [];
  const note = (problem: string): void => {
    if (problems.length < PROBLEMS_KEPT_MAX) problems.push(problem);
  };
  let next = 0;
  let servers = 0;
  let failedStarts = 0;
  let sharedServers = 0;
  let notOwned = 0;

  const one = async (run: number): Promise<void> => {
    const started = await Promise.allSettled([RedisServers.start({ count: 5 }), RedisServers.start({ count: 1 }), ToxiproxyServer.start()] as const);
    const [masters, resource, toxiproxy] = started;
    const mine: string[] = [];
    try {
      const failure = started.find((result) => result.status === 'rejected');
      if (failure) {
        failedStarts += 1;
        note(`start ${run}: ${String(failure.reason)}`);
        return;
      }
      if (masters.status !== 'fulfilled' || resource.status !== 'fulfilled' || toxiproxy.status !== 'fulfilled') return;
      const list: LiveServer[] = [
        ...masters.value.nodes.map((node) => ({ label: `start ${run} node ${node.index}`, pid: node.pid, port: node.port })),
        { label: `start ${run} resource`, pid: resource.value.node(0).pid, port: resource.value.node(0).port },
        { label: `start ${run} toxiproxy`, pid: toxiproxy.value.pid, port: toxiproxy.value.port },
      ];
      for (const [index, server] of list.entries()) {
        servers += 1;
        const clash = [...live.values()].find((other) => other.port === server.port || other.pid === server.pid);
        if (clash) {
          sharedServers += 1;
          note(`${server.label} (pid ${String(server.pid)}, port ${server.port}) shares with ${clash.label} (pid ${String(clash.pid)}, port ${clash.port})`);
        }
        const key = `${run}:${index}`;
        live.set(key, server);
        mine.push(key);
        const why: string[] = [];
        if (server.pid === undefined || ownsListeningPort(server.pid, server.port) === false) why.push('/proc shows another holder');
        if (!server.label.endsWith('toxiproxy')) {
          const info = await probe({ host: '127.0.0.1', port: server.port }, ['INFO', 'server'], INFO_TIMEOUT_MS);
          const pid = info.ok ? /^process_id:(\d+)/m.exec(info.reply)?.[1] : undefined;
          if (pid !== String(server.pid)) why.push(info.ok ? `INFO says pid ${String(pid)}` : `INFO failed: ${info.error}`);
        }
        if (why.length > 0) {
          notOwned += 1;
          note(`${server.label} on port ${server.port} is not proven to be pid ${String(server.pid)}: ${why.join('; ')}`);
        }
      }
    } finally {
      for (const key of mine) live.delete(key);
      await Promise.allSettled([
        masters.status === 'fulfilled' ? masters.value.stop() : undefined,
        resource.status === 'fulfilled' ? resource.value.stop() : undefined,
        toxiproxy.status === 'fulfilled' ? toxiproxy.value.stop() : undefined,
      ]);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < starts) {
      next += 1;
      await one(next);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { starts, servers, failedStarts, sharedServers, notOwned, elapsedMs: performance.now() - startedMs, problems };
}

/** The result in a few plain lines. */
export function formatSoak(result: SoakResult, concurrency: number): string {
  return [
    `testbed starts: ${result.starts} (${concurrency} at once), servers started: ${result.servers}`,
    `failed starts: ${result.failedStarts}, shared servers: ${result.sharedServers}, servers not proven theirs: ${result.notOwned}`,
    `time: ${(result.elapsedMs / 1000).toFixed(1)} s`,
    ...result.problems.map((problem) => `  ${problem}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const starts = process.argv[2] === undefined ? 200 : Number(process.argv[2]);
  const concurrency = process.argv[3] === undefined ? 3 : Number(process.argv[3]);
  const result = await soakStarts({ starts, concurrency });
  process.stdout.write(`${formatSoak(result, concurrency)}\n`);
  process.exitCode = result.failedStarts + result.sharedServers + result.notOwned > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`soak-starts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
