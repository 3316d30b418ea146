/**
 * Picking a port for a server to bind itself. Asking the kernel for a free port and
 * closing it before the server binds leaves a window in which anyone else can take it
 * (and five such probes in a row repeat a port about once in 800 sets). Instead the
 * server binds the port it is given, the start proves the server listening there is the
 * child we spawned, and a taken port (PortTakenError) means another try on another port.
 */
import { randomInt } from 'node:crypto';
import { PortTakenError } from './server-start-errors.js';

/**
 * Ports are drawn from below Linux's default ephemeral range (32768-60999, where the
 * kernel picks ports for outgoing connections and for "listen on port 0", as Toxiproxy's
 * proxies do), so that only other servers started on purpose compete for them.
 */
export const PORT_MIN = 20_000;
export const PORT_MAX = 32_767;
/** Tries on fresh ports before a first start gives up. */
export const START_TRIES_MAX = 10;

/** A uniformly random port from PORT_MIN to PORT_MAX. */
export function randomPort(): number {
  return randomInt(PORT_MIN, PORT_MAX + 1);
}

/**
 * Runs `start` on random ports until one is not taken, at most `triesMax` times. Only a
 * PortTakenError leads to another try; any other error is thrown at once. When every try
 * met a taken port, throws an AggregateError holding each try's error.
 */
export async function startOnOwnPort<T>(
  server: string,
  start: (port: number) => Promise<T>,
  triesMax = START_TRIES_MAX,
): Promise<T> {
  if (!Number.isInteger(triesMax) || triesMax < 1 || triesMax > 100) {
    throw new RangeError(`triesMax must be an integer from 1 to 100, got ${String(triesMax)}`);
  }
  const taken: PortTakenError[] = [];
  for (let attempt = 0; attempt < triesMax; attempt += 1) {
    try {
      return await start(randomPort());
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      taken.push(error);
    }
  }
  throw new AggregateError(taken, `${server} found a taken port on each of ${triesMax} tries: ${taken.map((error) => `${error.port} ${error.holder}`).join('; ')}`);
}
