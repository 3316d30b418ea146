import { spawn, type ChildProcess } from 'node:child_process';
import { Toxiproxy } from 'toxiproxy-node-client';
import { captureOutput, type OutputTail } from './child-output.js';
import { killAndWait, track } from './child-processes.js';
import { startOnOwnPort } from './own-port.js';
import { describePortHolder, ownsListeningPort } from './port-owner.js';
import { PortTakenError, ServerStartError } from './server-start-errors.js';
import { findTool } from './tools.js';
import { toxiproxyCall } from './toxiproxy-call.js';

export interface ToxiproxyServerOptions {
  /** How long to wait for the HTTP API to answer GET /version. @default 10_000 ms (1 to 120_000) */
  readonly readyTimeoutMs?: number;
  /**
   * The API port. Given, it is bound once and a taken port is an error; left out, a
   * random port is drawn and another is tried when it is taken (see startOnOwnPort).
   * @default a random port from PORT_MIN to PORT_MAX
   */
  readonly port?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS_MAX = 120_000;
const READY_POLL_MS = 20;
// One readiness probe's bound.
const READY_CALL_TIMEOUT_MS = 2_000;
/** What toxiproxy-server logs (as JSON on stdout) when its port is taken; it may keep running. */
const BIND_TAKEN = 'address already in use';

const SERVER = 'toxiproxy-server';

/**
 * One toxiproxy-server process on a loopback port it bound itself, proven to be the child
 * spawned here. It is registered with the child-processes registry, so it dies with this
 * Node process even on a crash.
 */
export class ToxiproxyServer {
  readonly host = '127.0.0.1';

  private constructor(
    readonly port: number,
    private child: ChildProcess,
    private readonly readyTimeoutMs: number,
  ) {}

  /** The API base URL, e.g. http://127.0.0.1:21234, as toxiproxy-node-client wants it. */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0 || readyTimeoutMs > READY_TIMEOUT_MS_MAX) {
      throw new RangeError(`readyTimeoutMs must be from 1 to ${READY_TIMEOUT_MS_MAX} ms, got ${String(readyTimeoutMs)}`);
    }
    const startOn = async (port: number): Promise<ToxiproxyServer> =>
      new ToxiproxyServer(port, await startOwnToxiproxy(port, readyTimeoutMs), readyTimeoutMs);
    if (options.port === undefined) return startOnOwnPort(SERVER, startOn);
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new RangeError(`port must be an integer from 1 to 65535, got ${String(options.port)}`);
    }
    return startOn(options.port);
  }

  /**
   * Kills the server (SIGKILL: a hung or SIGSTOPped one ignores anything gentler) and
   * starts a fresh one on the same port, so the API URL stays valid. The new server has
   * no proxies: the caller recreates them. Throws PortTakenError, naming the holder, if
   * the port was taken meanwhile (it never moves: clients point at it), and
   * ServerStartError if the new one does not answer within the ready timeout.
   */
  async restart(): Promise<void> {
    await killAndWait(this.child);
    this.child = await startOwnToxiproxy(this.port, this.readyTimeoutMs);
  }

  /** Kills the server and waits until it has exited. Idempotent. */
  async stop(): Promise<void> {
    await killAndWait(this.child);
  }
}

/**
 * Spawns toxiproxy-server on `port` and waits until its API answers and, where /proc can
 * tell, the listening socket is the child's: on a taken port toxiproxy-server logs the
 * bind error and may keep running, while whatever holds the port answers GET /version.
 * The child is killed on any failure.
 */
async function startOwnToxiproxy(port: number, readyTimeoutMs: number): Promise<ChildProcess> {
  // The server logs every API request at debug level; warnings and errors are what matter.
  const child = spawn(findTool('toxiproxy-server'), ['-host', '127.0.0.1', '-port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  track(child);
  const output = captureOutput(child);
  try {
    await waitOwnToxiproxy(port, child, output, readyTimeoutMs);
    return child;
  } catch (error) {
    await killAndWait(child);
    throw error;
  }
}

async function waitOwnToxiproxy(port: number, child: ChildProcess, output: OutputTail, timeoutMs: number): Promise<void> {
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  const taken = (): PortTakenError => new PortTakenError(SERVER, port, describePortHolder(port), output.text());
  while (performance.now() < deadline) {
    if (output.text().includes(BIND_TAKEN)) throw taken();
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServerStartError(SERVER, port, `exited with ${child.exitCode !== null ? `code ${child.exitCode}` : `signal ${String(child.signalCode)}`}`, output.text());
    }
    try {
      // Loopback: a server not yet listening refuses at once; one that accepted but does
      // not answer is bounded by the time left.
      const leftMs = Math.max(1, Math.min(READY_CALL_TIMEOUT_MS, deadline - performance.now()));
      await toxiproxyCall('GET /version', () => new Toxiproxy(url).getVersion(), leftMs);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
      continue;
    }
    if (child.pid !== undefined && ownsListeningPort(child.pid, port) === false) throw taken();
    return;
  }
  throw new ServerStartError(SERVER, port, `the API did not answer within ${timeoutMs} ms`, output.text(), { cause: lastError });
}
