import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput } from './child-output.js';
import { killAndWait, track } from './child-processes.js';
import { startOnOwnPort } from './own-port.js';
import { describePortHolder, ownsListeningPort } from './port-owner.js';
import { probe } from './probe.js';
import { PortTakenError, ServerStartError } from './server-start-errors.js';
import { findTool } from './tools.js';

/** How a node keeps its data across a crash. */
export type Persistence = 'none' | 'aof-always';

export interface RedisServersOptions {
  /** Number of independent masters. @default 5 (1 to 15) */
  readonly count?: number;
  /** Persistence of every node at start. @default 'none' */
  readonly persistence?: Persistence;
  /** How long to wait for a server to answer PING. @default 10_000 ms (1 to 120_000) */
  readonly readyTimeoutMs?: number;
  /**
   * Start every node with `--cluster-enabled yes` (its own nodes.conf in its data folder),
   * ready to be joined into a Redis Cluster. The cluster bus binds port + 10000; a taken
   * bus port is a taken port like any other. @default false
   */
  readonly cluster?: boolean;
}

/** What a cluster-enabled node adds to its command line. */
const CLUSTER_ARGS = [
  '--cluster-enabled', 'yes',
  '--cluster-config-file', 'nodes.conf',
  '--cluster-node-timeout', '1000',
  // A lone master that never met a peer knows no address of its own to put in CLUSTER SLOTS.
  '--cluster-announce-ip', '127.0.0.1',
  // A killed master takes only its own slots down; the others keep serving.
  '--cluster-require-full-coverage', 'no',
];

const DEFAULT_COUNT = 5;
const COUNT_MAX = 15;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS_MAX = 120_000;
const READY_POLL_MS = 20;
/** One readiness probe's bound: a loopback server that accepted answers in milliseconds. */
const READY_PROBE_MS = 1_000;
/** What redis-server prints on stdout when its port is taken. */
const BIND_TAKEN = 'Address already in use';

/** One redis-server process on 127.0.0.1, which can be crashed, restarted and paused. */
export class RedisNode {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;
  private paused = false;
  /** The port of the first successful start, kept for every restart. */
  private boundPort: number | undefined;

  constructor(
    readonly index: number,
    private readonly dir: string,
    private currentPersistence: Persistence,
    private readonly readyTimeoutMs: number,
    private readonly cluster = false,
  ) {}

  /** The persistence the node runs with now, and restarts with by default. */
  get persistence(): Persistence {
    return this.currentPersistence;
  }

  /** The port the node listens on; known once it has started. */
  get port(): number {
    if (this.boundPort === undefined) throw new Error(`redis node ${this.index} has not started yet, so it has no port`);
    return this.boundPort;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts the server and waits until it answers and is proven to be the child spawned
   * here. The first start draws a random port and tries another when it is taken (bounded,
   * see startOnOwnPort); every later start (a restart) binds the same port, because
   * clients and proxies point at it, and throws PortTakenError naming the holder if it is
   * taken meanwhile. Same data folder each time.
   */
  async start(persistence: Persistence = this.currentPersistence): Promise<void> {
    if (this.running) throw new Error(`redis node ${this.index} (${this.address}) is already running`);
    this.currentPersistence = persistence;
    const port = this.boundPort;
    if (port !== undefined) {
      await this.startOn(port);
      return;
    }
    this.boundPort = await startOnOwnPort(`redis node ${this.index}`, async (candidate) => {
      await this.startOn(candidate);
      return candidate;
    });
  }

  private async startOn(port: number): Promise<void> {
    const server = `redis node ${this.index}`;
    const args = [
      '--port', String(port),
      '--bind', this.host,
      '--dir', this.dir,
      '--save', '',
      '--protected-mode', 'no',
      '--daemonize', 'no',
      '--loglevel', 'warning',
      '--appendonly', this.currentPersistence === 'aof-always' ? 'yes' : 'no',
      '--appendfsync', 'always',
      ...(this.cluster ? CLUSTER_ARGS : []),
    ];
    const child = spawn(findTool('redis-server'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    const output = captureOutput(child);
    this.child = child;
    this.paused = false;
    try {
      await waitOwnRedis(server, this.host, port, child, output.text, this.readyTimeoutMs);
    } catch (error) {
      await killAndWait(child);
      this.child = undefined;
      throw error;
    }
  }

  /** kill -9: the process dies at once, with whatever it had not persisted. */
  async crash(): Promise<void> {
    if (this.child) await killAndWait(this.child, 'SIGKILL');
    this.child = undefined;
    this.paused = false;
  }

  /** Crash, then start again at once. Without persistence the node comes back empty. */
  async restart(persistence: Persistence = this.currentPersistence): Promise<void> {
    await this.crash();
    await this.start(persistence);
  }

  /** SIGSTOP: the process keeps its sockets and data but answers nothing. */
  pause(): void {
    if (!this.child || !this.running) throw new Error(`redis node ${this.index} is not running`);
    this.child.kill('SIGSTOP');
    this.paused = true;
  }

  /**
   * SIGCONT. Sent whenever the process is alive, not only after pause(): a SIGCONT to a
   * running process is harmless, and a node left stopped would poison every later run.
   */
  resume(): void {
    if (this.child && this.running) this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** Whether pause() stopped the process and resume() has not continued it yet. */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Switches persistence without a restart and without losing data (CONFIG SET). Turning
   * AOF on makes Redis rewrite the AOF in the background; this waits until that rewrite is
   * done, because until then a kill -9 would lose the data written before the switch.
   * A stopped node just records the setting for its next start.
   */
  async setPersistence(persistence: Persistence): Promise<void> {
    if (this.running) {
      const endpoint = { host: this.host, port: this.port };
      const config = async (...args: string[]): Promise<void> => {
        const reply = await probe(endpoint, ['CONFIG', 'SET', ...args], this.readyTimeoutMs);
        if (!reply.ok || reply.reply !== '+OK') {
          throw new Error(`redis node ${this.index}: CONFIG SET ${args.join(' ')} failed: ${reply.ok ? reply.reply : reply.error}`);
        }
      };
      await config('appendfsync', 'always');
      await config('appendonly', persistence === 'aof-always' ? 'yes' : 'no');
      if (persistence === 'aof-always') await this.waitAofRewritten();
    }
    this.currentPersistence = persistence;
  }

  private async waitAofRewritten(): Promise<void> {
    const deadline = performance.now() + this.readyTimeoutMs;
    const endpoint = { host: this.host, port: this.port };
    let info = '';
    while (performance.now() < deadline) {
      const reply = await probe(endpoint, ['INFO', 'persistence'], this.readyTimeoutMs);
      info = reply.ok ? reply.reply : reply.error;
      if (
        info.includes('aof_enabled:1') &&
        info.includes('aof_rewrite_in_progress:0') &&
        info.includes('aof_rewrite_scheduled:0')
      ) {
        if (!info.includes('aof_last_bgrewrite_status:ok')) {
          throw new Error(`redis node ${this.index}: the AOF rewrite failed: ${info}`);
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    throw new Error(`redis node ${this.index}: AOF not rewritten within ${this.readyTimeoutMs} ms: ${info}`);
  }

  async stop(): Promise<void> {
    await this.crash();
  }
}

/** N independent redis-server masters, each on a loopback port it bound itself. */
export class RedisServers {
  private constructor(
    readonly nodes: readonly RedisNode[],
    private readonly rootDir: string,
  ) {}

  static async start(options: RedisServersOptions = {}): Promise<RedisServers> {
    const count = options.count ?? DEFAULT_COUNT;
    if (!Number.isInteger(count) || count < 1 || count > COUNT_MAX) {
      throw new RangeError(`count must be an integer from 1 to ${COUNT_MAX}, got ${String(count)}`);
    }
    const persistence = options.persistence ?? 'none';
    const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0 || readyTimeoutMs > READY_TIMEOUT_MS_MAX) {
      throw new RangeError(`readyTimeoutMs must be from 1 to ${READY_TIMEOUT_MS_MAX} ms, got ${String(readyTimeoutMs)}`);
    }
    const rootDir = mkdtempSync(join(tmpdir(), 'redquorum-redis-'));
    const nodes: RedisNode[] = [];
    for (let index = 0; index < count; index += 1) {
      const dir = join(rootDir, `node-${index}`);
      mkdirSync(dir);
      nodes.push(new RedisNode(index, dir, persistence, readyTimeoutMs, options.cluster ?? false));
    }
    const servers = new RedisServers(nodes, rootDir);
    try {
      await Promise.all(nodes.map((node) => node.start()));
    } catch (error) {
      await servers.stop();
      throw error;
    }
    return servers;
  }

  get addresses(): string[] {
    return this.nodes.map((node) => node.address);
  }

  node(index: number): RedisNode {
    const node = this.nodes[index];
    if (!node) throw new RangeError(`node index must be from 0 to ${this.nodes.length - 1}, got ${index}`);
    return node;
  }

  /** Stops every server (paused ones too) and removes their data folders. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/**
 * Waits until the server on `port` answers and is `child`: INFO's process_id must be the
 * child's pid (and, where /proc can tell, the child holds the listening socket), so a
 * server someone else runs on that port is never taken for ours. Then waits for PONG,
 * which a node still loading its AOF does not give. A bind error on stdout, or another
 * process answering, is a PortTakenError naming the holder; an exit or a timeout is a
 * ServerStartError. Both quote the child's output.
 */
async function waitOwnRedis(
  server: string,
  host: string,
  port: number,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const endpoint = { host, port };
  const deadline = performance.now() + timeoutMs;
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  let proven = false;
  let last = '';
  while (performance.now() < deadline) {
    if (output().includes(BIND_TAKEN)) throw new PortTakenError(server, port, describePortHolder(port), output());
    if (exited()) {
      // The exit can come before its last words are read: give the pipes a moment.
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
      if (output().includes(BIND_TAKEN)) throw new PortTakenError(server, port, describePortHolder(port), output());
      throw new ServerStartError(server, port, `exited with ${child.exitCode !== null ? `code ${child.exitCode}` : `signal ${String(child.signalCode)}`}`, output());
    }
    const probeMs = Math.max(1, Math.min(READY_PROBE_MS, deadline - performance.now()));
    if (!proven) {
      const reply = await probe(endpoint, ['INFO', 'server'], probeMs);
      last = reply.ok ? reply.reply.slice(0, 200) : reply.error;
      if (reply.ok) {
        const pid = Number(/^process_id:(\d+)/m.exec(reply.reply)?.[1]);
        if (pid !== child.pid || ownsListeningPort(pid, port) === false) {
          throw new PortTakenError(server, port, `answered by redis-server pid ${pid}, not ours (pid ${String(child.pid)}); ${describePortHolder(port)}`, output());
        }
        proven = true;
        continue;
      }
    } else {
      const reply = await probe(endpoint, ['PING'], probeMs);
      last = reply.ok ? reply.reply : reply.error;
      if (reply.ok && reply.reply === '+PONG') return;
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new ServerStartError(server, port, `no ${proven ? 'PONG' : 'answer to INFO'} within ${timeoutMs} ms (last: ${last})`, output());
}
