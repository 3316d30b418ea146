import { Redis, type RedisOptions } from 'ioredis';

/** Time to close a client politely before dropping the socket. */
const QUIT_TIMEOUT_MS = 2000;

/**
 * One ioredis client per address, with ioredis's default options: what a user who swaps
 * node-redlock for redquorum passes to either library.
 */
export function createClients(addresses: readonly string[], extra: RedisOptions = {}): Redis[] {
  return addresses.map((address) => {
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    const client = new Redis({ host, port: Number(address.slice(colon + 1)), ...extra });
    // A node that is down (the faults scenario) makes its client emit errors; the libraries
    // count them as votes against, and ioredis would otherwise print each one.
    client.on('error', () => undefined);
    return client;
  });
}

/** PING on every client, in parallel; throws naming the address that did not answer. */
export async function pingAll(clients: readonly Redis[], timeoutMs: number): Promise<void> {
  await Promise.all(
    clients.map(async (client) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`redis ${client.options.host ?? '?'}:${client.options.port ?? '?'} did not answer PING within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([client.ping(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Quits every client, dropping those that do not answer in time (a node may be down). */
export async function closeClients(clients: readonly Redis[]): Promise<void> {
  await Promise.all(
    clients.map(async (client) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          client.quit(),
          new Promise((resolve) => {
            timer = setTimeout(resolve, QUIT_TIMEOUT_MS);
          }),
        ]);
      } catch {
        // A client that cannot quit is dropped below; there is nothing else to release.
      } finally {
        clearTimeout(timer);
        client.disconnect();
      }
    }),
  );
}
