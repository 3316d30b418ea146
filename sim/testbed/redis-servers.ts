import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAndWait, track } from './child-processes.js';
import { freePort } from './free-port.js';
import { probe } from './probe.js';
import { findTool } from './tools.js';

/** How a node keeps its data across a crash. */
export type Persistence = 'none' | 'aof-always';

export interface RedisServersOptions {
  /** Number of independent masters. @default 5 (1 to 15) */
  readonly count?: number;
  /** Persistence of every node at start. @default 'none' */
  readonly persistence?: Persistence;
  /** How long to wait for a server to answer PING. @default 10_000 ms */
  readonly readyTimeoutMs?: number;
}

const DEFAULT_COUNT = 5;
const COUNT_MAX = 15;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 20;

/** One redis-server process on 127.0.0.1, which can be crashed, restarted and paused. */
export class RedisNode {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;
  private paused = false;

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly dir: string,
    private currentPersistence: Persistence,
    private readonly readyTimeoutMs: number,
  ) {}

  /** The persistence the node runs with now, and restarts with by default. */
  get persistence(): Persistence {
    return this.currentPersistence;
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

  /** Starts the server (again) on the same port and data folder, and waits until it answers. */
  async start(persistence: Persistence = this.currentPersistence): Promise<void> {
    if (this.running) throw new Error(`redis node ${this.index} (${this.address}) is already running`);
    this.currentPersistence = persistence;
    const args = [
      '--port', String(this.port),
      '--bind', this.host,
      '--dir', this.dir,
      '--save', '',
      '--protected-mode', 'no',
      '--daemonize', 'no',
      '--loglevel', 'warning',
      '--appendonly', persistence === 'aof-always' ? 'yes' : 'no',
      '--appendfsync', 'always',
    ];
    const child = spawn(findTool('redis-server'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.child = child;
    this.paused = false;
    try {
      await waitForPong(this.host, this.port, this.readyTimeoutMs, () => !this.running);
    } catch (error) {
      await killAndWait(child);
      throw new Error(`redis node ${this.index} (${this.address}) did not start: ${stderr.trim()}`, { cause: error });
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

/** N independent redis-server masters on free loopback ports. */
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
    const rootDir = mkdtempSync(join(tmpdir(), 'redquorum-redis-'));
    const nodes: RedisNode[] = [];
    for (let index = 0; index < count; index += 1) {
      const dir = join(rootDir, `node-${index}`);
      mkdirSync(dir);
      nodes.push(new RedisNode(index, await freePort(), dir, persistence, readyTimeoutMs));
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

async function waitForPong(host: string, port: number, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    if (gaveUp()) throw new Error('the process exited');
    try {
      if (await ping(host, port)) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`no PONG within ${timeoutMs} ms`, { cause: lastError });
}

function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('PING timed out')));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', reject);
  });
}
