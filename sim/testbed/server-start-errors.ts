/**
 * Why a server did not start. Both carry the child's own words (its stdout and stderr
 * tail), since that is where redis-server and toxiproxy-server say what went wrong.
 */

/** The server could not listen on its port because another process holds it. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
  constructor(
    /** e.g. "redis node 2" or "toxiproxy-server". */
    readonly server: string,
    readonly port: number,
    /** Who holds the port, e.g. "held by pid 4242 (redis-server 127.0.0.1:23456)". */
    readonly holder: string,
    /** The child's stdout and stderr tail. */
    readonly output: string,
  ) {
    super(`${server} could not listen on 127.0.0.1:${port}: the port is taken, ${holder}; its output: ${oneLine(output)}`);
  }
}

/** The server exited, or did not answer in time, for a reason other than a taken port. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
  constructor(
    readonly server: string,
    readonly port: number,
    /** What went wrong, e.g. "exited with code 1" or "no answer within 10000 ms". */
    readonly reason: string,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(`${server} did not start on 127.0.0.1:${port}: ${reason}; its output: ${oneLine(output)}`, options);
  }
}

/** The output in one line (a message is printed in one plain line), or a note that there was none. */
function oneLine(output: string): string {
  const text = output.trim().replace(/\s*\n\s*/g, ' | ');
  return text === '' ? '(nothing on stdout or stderr)' : text;
}
