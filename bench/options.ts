import { BenchOptionError } from './option-error.js';

/** What a bench measures. `faults` runs one of the others under a Toxiproxy fault. */
export type ScenarioName = 'latency' | 'throughput' | 'contention' | 'faults';
/** The scenarios that measure a workload by themselves. */
export type WorkloadName = Exclude<ScenarioName, 'faults'>;

export const SCENARIOS: readonly ScenarioName[] = ['latency', 'throughput', 'contention', 'faults'];
export const WORKLOADS: readonly WorkloadName[] = ['latency', 'throughput', 'contention'];

/** A network fault applied through Toxiproxy to some of the nodes. */
export type FaultSpec =
  | { readonly kind: 'latency'; readonly latencyMs: number; readonly nodeCount: number }
  | { readonly kind: 'down'; readonly nodeCount: number };

/** Where the redis masters come from. */
export type TestbedSpec =
  | { readonly kind: 'embedded'; readonly nodeCount: number }
  | { readonly kind: 'compose' }
  | { readonly kind: 'explicit'; readonly addresses: readonly string[]; readonly toxiproxyUrl?: string };

/** Lock settings given to both libraries; an absent field keeps each library's default. */
export interface RetryOverrides {
  readonly retryCount?: number;
  readonly retryDelay?: number;
  readonly retryJitter?: number;
}

export type TimeUnit = 'auto' | 'us' | 'ms';

/**
 * What `--vs` can name: node-redlock v5, or the raw floor (a parallel SET NX PX and a
 * compare-and-delete on every node, with no quorum logic and no retries), with ioredis's
 * default client options or with auto-pipelining.
 */
export type OtherLibrary = 'redlock' | 'raw' | 'raw-pipelined';
export const OTHER_LIBRARIES: readonly OtherLibrary[] = ['redlock', 'raw', 'raw-pipelined'];

export interface BenchOptions {
  readonly scenario: ScenarioName;
  /** The workload measured: the scenario itself, or `--under` for `faults`. */
  readonly workload: WorkloadName;
  readonly fault: FaultSpec | undefined;
  /** The libraries to compare against, in the same run (none without --vs). */
  readonly vs: readonly OtherLibrary[];
  /** Also run a second, independent redquorum: the ratio's noise floor (`--self`). */
  readonly self: boolean;
  /** Also run redquorum with fencing tokens on (`--fencing`; latency and throughput). */
  readonly fencing: boolean;
  /** Measured operations per library, at most (cycles, or acquisitions). */
  readonly iterations: number;
  /** Measured time per library, at most, in ms. */
  readonly durationMs: number;
  /** Unmeasured time per library before the first round, in ms. */
  readonly warmupMs: number;
  /** Interleaved rounds: the libraries take turns so that drift touches both alike. */
  readonly rounds: number;
  /** Concurrent lockers on distinct keys (throughput). */
  readonly concurrency: number;
  /** Workers on the one hot key (contention). */
  readonly workers: number;
  /** How long a contention worker holds the lock, in ms. */
  readonly holdMs: number;
  /** How long a contention worker waits between holding and asking again, in ms. */
  readonly thinkMs: number;
  /** Lock time to live, in ms. */
  readonly ttlMs: number;
  readonly retry: RetryOverrides;
  /** redquorum's releaseNotifications setting; undefined keeps the library's default. */
  readonly notify: boolean | undefined;
  readonly testbed: TestbedSpec;
  readonly json: boolean;
  /** Print the report as markdown tables (for BENCHMARKS.md) instead of text. */
  readonly markdown: boolean;
  readonly hgrmPath: string | undefined;
  readonly progress: boolean;
  readonly unit: TimeUnit;
  readonly quick: boolean;
}

/** The options as commander hands them over: strings and flags, nothing checked yet. */
export interface RawBenchOptions {
  vs?: string;
  iterations?: string;
  duration?: string;
  warmup?: string;
  rounds?: string;
  concurrency?: string;
  workers?: string;
  holdMs?: string;
  thinkMs?: string;
  ttlMs?: string;
  retryCount?: string;
  retryDelay?: string;
  retryJitter?: string;
  notify?: string;
  nodes?: string;
  testbed?: string;
  redis?: string;
  toxiproxy?: string;
  fault?: string;
  under?: string;
  json?: boolean;
  markdown?: boolean;
  hgrm?: string;
  progress?: boolean;
  unit?: string;
  quick?: boolean;
  self?: boolean;
  fencing?: boolean;
}

/** Bounds of every numeric option: every run is finite. */
export const LIMITS = {
  iterations: { min: 1, max: 10_000_000 },
  durationS: { min: 0.1, max: 3600 },
  warmupS: { min: 0, max: 60 },
  rounds: { min: 1, max: 100 },
  concurrency: { min: 1, max: 1024 },
  workers: { min: 2, max: 256 },
  holdMs: { min: 0, max: 10_000 },
  thinkMs: { min: 0, max: 10_000 },
  ttlMs: { min: 10, max: 600_000 },
  retryCount: { min: -1, max: 1_000_000 },
  retryDelay: { min: 0, max: 60_000 },
  retryJitter: { min: 0, max: 60_000 },
  nodes: { min: 1, max: 15 },
  faultLatencyMs: { min: 1, max: 60_000 },
} as const;

interface Defaults {
  iterations: number;
  durationS: number;
}

// Latency is bounded by its count, the others by their duration; each keeps the other
// bound as a cap so that no run is endless.
const DEFAULTS: Record<WorkloadName, Defaults> = {
  latency: { iterations: 5000, durationS: 60 },
  throughput: { iterations: 10_000_000, durationS: 10 },
  contention: { iterations: 10_000_000, durationS: 10 },
};
// Quick runs keep the long runs' warm-up share: 400 cycles after 0.2 s of warm-up ran
// the JIT cold (client CPU per cycle 1.5x a long run's, cycle p50 ratio 1.12-1.53x where
// long runs gave 1.12-1.20x); 2,000 cycles in 4 rounds after 2 s agreed with long runs
// (CPU per cycle 193-254 µs vs 213-223 µs, p50 ratio 1.07-1.17x), in about 8 s.
const QUICK_WARMUP_S = '2';
const QUICK_DEFAULTS: Record<WorkloadName, Defaults> = {
  latency: { iterations: 2000, durationS: 5 },
  throughput: { iterations: 10_000_000, durationS: 2 },
  contention: { iterations: 10_000_000, durationS: 2 },
};

/**
 * Turns the command line into checked options. Pure: no I/O, no defaults taken from the
 * environment. Throws BenchOptionError naming the option and its range.
 */
export function parseBenchOptions(scenarioArg: string, raw: RawBenchOptions): BenchOptions {
  const scenario = oneOf('<scenario>', scenarioArg, SCENARIOS);
  const quick = raw.quick === true;
  const workload: WorkloadName =
    scenario === 'faults' ? oneOf('--under', raw.under ?? 'latency', WORKLOADS) : scenario;
  if (scenario !== 'faults' && raw.under !== undefined) {
    throw new BenchOptionError('--under', `applies only to the faults scenario, got scenario "${scenario}"`);
  }
  const fault = raw.fault === undefined ? undefined : parseFault(raw.fault);
  if (scenario === 'faults' && fault === undefined) {
    throw new BenchOptionError('--fault', 'is required by the faults scenario: latency:<ms>:<k> or down:<k>');
  }
  if (scenario !== 'faults' && fault !== undefined) {
    throw new BenchOptionError('--fault', `applies only to the faults scenario, got scenario "${scenario}"`);
  }
  const defaults = (quick ? QUICK_DEFAULTS : DEFAULTS)[workload];
  const testbed = parseTestbed(raw);
  if (fault !== undefined) {
    const nodeCount = testbed.kind === 'embedded' ? testbed.nodeCount : testbed.kind === 'explicit' ? testbed.addresses.length : 5;
    if (fault.nodeCount > nodeCount) {
      throw new BenchOptionError('--fault', `names ${fault.nodeCount} nodes, but the testbed has ${nodeCount} (k must be from 1 to ${nodeCount})`);
    }
    if (testbed.kind === 'explicit' && testbed.toxiproxyUrl === undefined) {
      throw new BenchOptionError('--toxiproxy', 'is required with --redis for the faults scenario (the Toxiproxy API URL)');
    }
  }
  const retry: { retryCount?: number; retryDelay?: number; retryJitter?: number } = {};
  if (raw.retryCount !== undefined) retry.retryCount = integer('--retry-count', raw.retryCount, LIMITS.retryCount);
  if (raw.retryDelay !== undefined) retry.retryDelay = number('--retry-delay', raw.retryDelay, LIMITS.retryDelay);
  if (raw.retryJitter !== undefined) retry.retryJitter = number('--retry-jitter', raw.retryJitter, LIMITS.retryJitter);
  const vs = raw.vs === undefined ? [] : [...new Set(raw.vs.split(',').map((name) => oneOf('--vs', name.trim(), OTHER_LIBRARIES)))];
  if (workload === 'contention' && vs.some((name) => name !== 'redlock')) {
    throw new BenchOptionError('--vs', 'raw and raw-pipelined apply only to latency and throughput: the raw floor never retries, so it cannot wait for a hot key');
  }
  if (workload === 'contention' && raw.fencing === true) {
    throw new BenchOptionError('--fencing', 'applies to latency and throughput: it compares the cost of the fencing round trip on uncontended locks');
  }
  if (raw.json === true && raw.markdown === true) throw new BenchOptionError('--markdown', 'cannot be combined with --json: choose one output');
  const hgrmPath = raw.hgrm;
  if (hgrmPath !== undefined && hgrmPath.trim() === '') {
    throw new BenchOptionError('--hgrm', 'must be a file path, got an empty string');
  }
  return {
    scenario,
    workload,
    fault,
    vs,
    self: raw.self === true,
    fencing: raw.fencing === true,
    iterations: integer('--iterations', raw.iterations ?? String(defaults.iterations), LIMITS.iterations),
    durationMs: Math.round(1000 * number('--duration', raw.duration ?? String(defaults.durationS), LIMITS.durationS)),
    warmupMs: Math.round(1000 * number('--warmup', raw.warmup ?? (quick ? QUICK_WARMUP_S : '1'), LIMITS.warmupS)),
    rounds: integer('--rounds', raw.rounds ?? '4', LIMITS.rounds),
    concurrency: integer('--concurrency', raw.concurrency ?? '64', LIMITS.concurrency),
    workers: integer('--workers', raw.workers ?? '8', LIMITS.workers),
    holdMs: number('--hold-ms', raw.holdMs ?? '1', LIMITS.holdMs),
    thinkMs: number('--think-ms', raw.thinkMs ?? '5', LIMITS.thinkMs),
    ttlMs: integer('--ttl-ms', raw.ttlMs ?? '1000', LIMITS.ttlMs),
    retry,
    notify: raw.notify === undefined ? undefined : oneOf('--notify', raw.notify, ['on', 'off'] as const) === 'on',
    testbed,
    json: raw.json === true,
    markdown: raw.markdown === true,
    hgrmPath,
    progress: raw.progress !== false,
    unit: oneOf('--unit', raw.unit ?? 'auto', ['auto', 'us', 'ms'] as const),
    quick,
  };
}

/** `latency:<ms>:<k>` (added latency on k nodes) or `down:<k>` (k nodes unreachable). */
export function parseFault(text: string): FaultSpec {
  const parts = text.split(':');
  const nodes = LIMITS.nodes;
  if (parts[0] === 'latency' && parts.length === 3) {
    return {
      kind: 'latency',
      latencyMs: integer('--fault', parts[1] ?? '', LIMITS.faultLatencyMs, 'latency ms'),
      nodeCount: integer('--fault', parts[2] ?? '', nodes, 'node count k'),
    };
  }
  if (parts[0] === 'down' && parts.length === 2) {
    return { kind: 'down', nodeCount: integer('--fault', parts[1] ?? '', nodes, 'node count k') };
  }
  throw new BenchOptionError('--fault', `must be latency:<ms>:<k> or down:<k>, got "${text}"`);
}

function parseTestbed(raw: RawBenchOptions): TestbedSpec {
  const kind = raw.testbed === undefined ? undefined : oneOf('--testbed', raw.testbed, ['embedded', 'compose'] as const);
  if (raw.redis !== undefined) {
    if (kind !== undefined) throw new BenchOptionError('--redis', `cannot be combined with --testbed ${kind}`);
    if (raw.nodes !== undefined) throw new BenchOptionError('--nodes', 'applies only to the embedded testbed, not with --redis');
    const addresses = raw.redis.split(',').map((entry) => parseAddress(entry.trim()));
    if (addresses.length > LIMITS.nodes.max) {
      throw new BenchOptionError('--redis', `takes from 1 to ${LIMITS.nodes.max} addresses, got ${addresses.length}`);
    }
    return raw.toxiproxy === undefined ? { kind: 'explicit', addresses } : { kind: 'explicit', addresses, toxiproxyUrl: parseUrl(raw.toxiproxy) };
  }
  if (raw.toxiproxy !== undefined) throw new BenchOptionError('--toxiproxy', 'applies only with --redis');
  if (kind === 'compose') {
    if (raw.nodes !== undefined) throw new BenchOptionError('--nodes', 'applies only to the embedded testbed, not with --testbed compose');
    return { kind: 'compose' };
  }
  return { kind: 'embedded', nodeCount: integer('--nodes', raw.nodes ?? '5', LIMITS.nodes) };
}

function parseAddress(entry: string): string {
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65_535) {
    throw new BenchOptionError('--redis', `must be a comma-separated list of host:port (port from 1 to 65535), got "${entry}"`);
  }
  return entry;
}

function parseUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return text.replace(/\/+$/, '');
  } catch {
    // Reported below with the option's name.
  }
  throw new BenchOptionError('--toxiproxy', `must be an http URL such as http://127.0.0.1:8474, got "${text}"`);
}

function oneOf<T extends string>(option: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new BenchOptionError(option, `must be one of ${allowed.join(', ')}, got "${text}"`);
}

function number(option: string, text: string, range: { min: number; max: number }, what = 'value'): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new BenchOptionError(option, `${what === 'value' ? 'must be' : `${what} must be`} a number from ${range.min} to ${range.max}, got "${text}"`);
  }
  return value;
}

function integer(option: string, text: string, range: { min: number; max: number }, what = 'value'): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new BenchOptionError(option, `${what === 'value' ? 'must be' : `${what} must be`} an integer from ${range.min} to ${range.max}, got "${text}"`);
  }
  return value;
}
