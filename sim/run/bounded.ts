/** A step of the harness that did not finish in time (a wedged server, a hung nemesis). */
export class HarnessTimeoutError extends Error {
  override readonly name = 'HarnessTimeoutError';
}

/**
 * Awaits `work` at most `timeoutMs`: the runner must never hang on a nemesis or testbed
 * call (Toxiproxy's API can wedge), so a step that overruns becomes a harness problem.
 */
export async function bounded<T>(what: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HarnessTimeoutError(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
