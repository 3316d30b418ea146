import { spawn, type ChildProcess } from 'node:child_process';
import { Toxiproxy } from 'toxiproxy-node-client';
import { killAndWait, track } from './child-processes.js';
import { freePort } from './free-port.js';
import { findTool } from './tools.js';

export interface ToxiproxyServerOptions {
  /** How long to wait for the HTTP API to answer GET /version. @default 10_000 ms */
  readonly readyTimeoutMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 20;

/**
 * One toxiproxy-server process on a free loopback port. It is registered with the
 * child-processes registry, so it dies with this Node process even on a crash.
 */
export class ToxiproxyServer {
  readonly host = '127.0.0.1';

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
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
    const port = await freePort();
    // The server logs every API request at debug level on stdout; only warnings matter here.
    const child = spawn(findTool('toxiproxy-server'), ['-host', '127.0.0.1', '-port', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    track(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const server = new ToxiproxyServer(port, child);
    try {
      await server.waitReady(readyTimeoutMs);
    } catch (error) {
      await killAndWait(child);
      throw new Error(`toxiproxy-server on port ${port} did not start: ${stderr.trim()}`, { cause: error });
    }
    return server;
  }

  /** Kills the server and waits until it has exited. Idempotent. */
  async stop(): Promise<void> {
    await killAndWait(this.child);
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
        // Loopback: a server not yet listening refuses at once, so no request timeout is needed.
        await new Toxiproxy(this.url).getVersion();
        return;
      } catch (error) {
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    throw new Error(`the API did not answer within ${timeoutMs} ms`, { cause: lastError });
  }
}
