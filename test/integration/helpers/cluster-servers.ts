import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { killAndWait, track } from '../../../sim/testbed/child-processes.js';
import { freePort } from '../../../sim/testbed/free-port.js';
import { findTool } from '../../../sim/testbed/tools.js';

/** How long a one-node cluster may take to answer and to report cluster_state:ok. */
const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 20;
const SLOT_MAX = 16_383;

/**
 * `count` independent one-master Redis Clusters (each redis-server owns every slot), the
 * smallest real cluster a Redlock over cluster clients runs on. Stopped by stop(), and
 * killed with the test process whatever happens (child-processes registry).
 */
export class ClusterServers {
  private constructor(
    readonly ports: readonly number[],
    private readonly children: readonly ChildProcess[],
    private readonly rootDir: string,
  ) {}

  static async start(count: number): Promise<ClusterServers> {
    if (!Number.isInteger(count) || count < 1 || count > 7) throw new RangeError(`count must be an integer from 1 to 7, got ${count}`);
    const rootDir = mkdtempSync(join(tmpdir(), 'redquorum-cluster-'));
    const ports: number[] = [];
    const children: ChildProcess[] = [];
    for (let index = 0; index < count; index += 1) {
      const port = await freePort();
      const child = spawn(
        findTool('redis-server'),
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', rootDir, '--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
        { stdio: 'ignore' },
      );
      track(child);
      ports.push(port);
      children.push(child);
    }
    const servers = new ClusterServers(ports, children, rootDir);
    try {
      await Promise.all(ports.map((port) => claimAllSlots(port)));
    } catch (error) {
      await servers.stop();
      throw error;
    }
    return servers;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => killAndWait(child)));
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

async function claimAllSlots(port: number): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  // Queued until the server listens (offline queue, no retry limit); the deadline bounds it.
  const admin = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null, retryStrategy: () => POLL_MS });
  admin.on('error', () => {
    // Refused until the server listens; the deadline below bounds the wait.
  });
  const timer = setTimeout(() => admin.disconnect(), READY_TIMEOUT_MS);
  try {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', String(SLOT_MAX));
    while (!((await admin.call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok')) {
      if (performance.now() > deadline) throw new Error(`cluster on port ${port} not ok within ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    clearTimeout(timer);
    admin.disconnect();
  }
}
