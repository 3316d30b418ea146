import { join } from 'node:path';
import type { Random } from '../random.js';
import type { GroupSpec, Scenario } from '../scenarios/types.js';
import type { Endpoint } from '../testbed/endpoint.js';
import type { LockClientLibrary } from '../workload/lock-client-library.js';
import type { RangeMs, WorkerConfig } from '../workload/worker-config.js';

/** The run's knobs, shared by every scenario of a catalog run. */
export interface RunSettings {
  /** The run's seed (printed; every random choice derives from it). */
  readonly seed: number;
  /** Workload length per scenario, in ms. */
  readonly runMs: number;
  /** Worker processes per scenario (split over its groups). */
  readonly workers: number;
  /** Concurrent lock loops per worker process (each a worker in the history). */
  readonly loops: number;
  /** Resources per pool. */
  readonly resources: number;
  readonly ttlMs: number;
  readonly driftFactor: number;
  /** Default critical-section length. */
  readonly holdMs: RangeMs;
  /** Default think time. */
  readonly thinkMs: RangeMs;
  /** Library retries per acquire. */
  readonly retryCount: number;
  readonly retryDelayMs: number;
  /** The library's per-node timeout. */
  readonly nodeTimeoutMs: number;
  /** Hard bound on acquire attempts per loop. */
  readonly maxAttemptsPerWorker: number;
  /** The client library under the library-based lock clients. @default 'ioredis' */
  readonly client?: LockClientLibrary;
  /**
   * The bound of every row, ms of workload: a row runs on past its duration until it has
   * its evidence, and only a row that reaches this bound without it is `no-evidence`.
   */
  readonly evidenceBoundMs: number;
}

/** Where each group's workers connect. */
export interface PlanEndpoints {
  clientEndpoints(group: number): readonly Endpoint[];
  readonly resourceEndpoint: Endpoint;
}

/** The resources of one pool: "<pool>0" .. "<pool>(n-1)". */
export function poolResources(pool: string, count: number): string[] {
  return Array.from({ length: count }, (_unused, index) => `${pool}${index}`);
}

/** The number of resources in a group's pool. */
export function poolSizeOf(group: GroupSpec, settings: Pick<RunSettings, 'resources'>): number {
  return Math.max(1, Math.min(settings.resources, group.poolSize ?? settings.resources));
}

/** How many workers each group gets: shares of the total, at least one each. */
export function splitWorkers(total: number, groups: readonly GroupSpec[]): number[] {
  const shares = groups.map((group) => group.workerShare ?? 1);
  const sum = shares.reduce((a, b) => a + b, 0);
  return shares.map((share) => Math.max(1, Math.round((total * share) / sum)));
}

/**
 * One WorkerConfig per worker process of the scenario: a pure function of the scenario,
 * the settings and the random stream. Each process runs its group's number of loops;
 * loops are numbered across the run (they are the history's workers), and each loop's
 * seed is forked from the stream by that number.
 */
export function planWorkers(scenario: Scenario, settings: RunSettings, endpoints: PlanEndpoints, historyDir: string, random: Random): WorkerConfig[] {
  const counts = splitWorkers(settings.workers, scenario.groups);
  const configs: WorkerConfig[] = [];
  let nextLoopId = 0;
  scenario.groups.forEach((group, groupIndex) => {
    const count = counts[groupIndex] ?? 1;
    const loopsPerProcess = group.loops ?? settings.loops;
    for (let index = 0; index < count; index += 1) {
      const loops = Array.from({ length: loopsPerProcess }, () => {
        const workerId = nextLoopId;
        nextLoopId += 1;
        return { workerId, seed: random.fork(`worker-${workerId}`).seed };
      });
      const workerId = loops[0]?.workerId ?? nextLoopId;
      const register = group.register ?? (group.fenced ? 'kleppmann' : 'none');
      configs.push({
        workerId,
        loops,
        group: groupIndex,
        endpoints: [...endpoints.clientEndpoints(groupIndex)],
        resourceEndpoint: endpoints.resourceEndpoint,
        resources: poolResources(group.pool ?? 'r', poolSizeOf(group, settings)),
        ttlMs: settings.ttlMs,
        driftFactor: settings.driftFactor,
        runMs: settings.runMs,
        maxAttempts: settings.maxAttemptsPerWorker,
        variant: group.variant,
        fenced: group.fenced,
        register,
        controlRegisters: group.controlRegisters === true ? (['write-check', 'none'] as const).filter((kind) => kind !== register) : [],
        reportsHolds: group.reportsHolds === true,
        librarySeed: random.fork(`library-${workerId}`).seed,
        holdMs: group.holdMs ?? settings.holdMs,
        thinkMs: group.thinkMs ?? settings.thinkMs,
        retryCount: group.retryCount ?? settings.retryCount,
        retryDelayMs: settings.retryDelayMs,
        nodeTimeoutMs: group.nodeTimeoutMs ?? settings.nodeTimeoutMs,
        historyPath: join(historyDir, `worker-${workerId}.jsonl`),
        client: settings.client ?? 'ioredis',
      });
    }
  });
  return configs;
}
