import { closeClients, createClients, pingAll } from './clients.js';
import type { LockLibrary } from './lock-library.js';
import type { RetryOverrides } from '../options.js';
import type { Redis } from 'ioredis';

/** The part of node-redlock v5's declarations the bench uses. */
interface NodeRedlock {
  acquire(resources: string[], duration: number): Promise<{ release(): Promise<unknown> }>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}
type NodeRedlockConstructor = new (clients: Iterable<Redis>, settings: RetryOverrides) => NodeRedlock;

/**
 * node-redlock v5 (`redlock@5.0.0-beta.2`, a devDependency), loaded on demand so that
 * the CLI runs without it unless `--vs redlock` asks for it.
 */
export async function createNodeRedlockLibrary(addresses: readonly string[], retry: RetryOverrides): Promise<LockLibrary> {
  let Redlock: NodeRedlockConstructor;
  try {
    // A runtime specifier: redlock's package exports carry no types under NodeNext (its
    // issue #173), and the bundle must load it from node_modules rather than inline it.
    const specifier = 'redlock';
    Redlock = ((await import(specifier)) as { default: NodeRedlockConstructor }).default;
  } catch (error) {
    throw new Error('--vs redlock needs the devDependency redlock@5.0.0-beta.2; run "npm install"', { cause: error });
  }
  const clients = createClients(addresses);
  // node-redlock types its clients against its own copy of ioredis's declarations.
  const redlock = new Redlock(clients, { ...retry });
  // node-redlock emits "error" for each failed vote; an unhandled "error" event would crash the bench.
  redlock.on('error', () => undefined);
  return {
    name: 'node-redlock',
    acquire: (resources, ttlMs) => redlock.acquire(resources, ttlMs),
    ready: (timeoutMs) => pingAll(clients, timeoutMs),
    close: () => closeClients(clients),
  };
}
