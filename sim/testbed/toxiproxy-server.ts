import { spawn, type ChildProcess } from 'node:child_process';
import { Toxiproxy } from 'toxiproxy-node-client';
import { killAndWait, track } from './child-processes.js';
import { freePort } from './free-port.js';
import { findTool } from './tools.js';
import { toxiproxyCall } from './toxiproxy-call.js';

export interface ToxiproxyServerOptions {
  /** How long to wait for the HTTP API to answer GET /version. @default 10_000 ms (1 to 120_000) */
  readonly readyTimeoutMs?: number;
  /** The API port. @default a free loopback port */
  readonly port?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 20;
// One readiness probe's bound.
const READY_CALL_TIMEOUT_MS = 2_000;

/**
 * One toxiproxy-server process on a free loopback port. It is registered with the
 * child-processes registry, so it dies with this Node process even on a crash.
 */
export class ToxiproxyServer {
  readonly host = '127.0.0.1';

  private constructor(
    readonly port: number,
    private child: ChildProcess,
    private readonly readyTimeoutMs: number,
  ) {}

  /** The API base URL, e.g. http://127.0.0.1:41234, as toxiproxy-node-client wants it. */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0 || readyTimeoutMs > 120_000) {
      throw new RangeError(`readyTimeoutMs must be from 1 to 120000 ms, got ${String(readyTimeoutMs)}`);
    }
    if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535)) {
      throw new RangeError(`port must be an integer from 1 to 65535, got ${String(options.port)}`);
    }
    const port = options.port ?? (await freePort());
    const server = new ToxiproxyServer(port, spawnServer(port), readyTimeoutMs);
    await server.waitStarted();
    return server;
  }

  /**
   * Kills the server (SIGKILL: a hung or SIGSTOPped one ignores anything gentler) and
   * starts a fresh one on the same port, so the API URL stays valid. The new server has
   * no proxies: the caller recreates them. Throws if the new one does not answer within
   * the ready timeout.
   */
  async restart(): Promise<void> {
    await killAndWait(this.child);
    this.child = spawnServer(this.port);
    await this.waitStarted();
  }

  /** Kills the server and waits until it has exited. Idempotent. */
  async stop(): Promise<void> {
    await killAndWait(this.child);
  }

  private async waitStarted(): Promise<void> {
    const child = this.child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await this.waitReady(this.readyTimeoutMs);
    } catch (error) {
      await killAndWait(child);
      throw new Error(`toxiproxy-server on port ${this.port} did not start: ${stderr.trim()}`, { cause: error });
    }
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let lastError: unknown;
    while (performance.now() < deadline) {
      if (this.exited) throw new Error('the process exited');
      try {
        // Loopback: a server not yet listening refuses at once; one that accepted but does
        // not answer is bounded by the time left.
        const leftMs = Math.max(1, Math.min(READY_CALL_TIMEOUT_MS, deadline - performance.now()));
        await toxiproxyCall('GET /version', () => new Toxiproxy(this.url).getVersion(), leftMs);
        return;
      } catch (error) {
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    throw new Error(`the API did not answer within ${timeoutMs} ms`, { cause: lastError });
  }
}

function spawnServer(port: number): ChildProcess {
  // The server logs every API request at debug level on stdout; only warnings matter here.
  const child = spawn(findTool('toxiproxy-server'), ['-host', '127.0.0.1', '-port', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  track(child);
  return child;
}
