import { connect } from 'node:net';
import { formatEndpoint, type Endpoint } from './endpoint.js';

export type ProbeResult =
  | { readonly ok: true; readonly reply: string; readonly elapsedMs: number }
  | { readonly ok: false; readonly error: string; readonly elapsedMs: number };

/** Longest a probe may wait: probes check reachability, they never stall a run. */
const PROBE_TIMEOUT_MS_MAX = 60_000;

/**
 * Sends one Redis command on a fresh connection and reads the first reply line, within
 * `timeoutMs`. A fresh raw socket (no client library, no reconnects, no queue) is what
 * tells "this path answers" from "this path is faulted" without any state carried over.
 * Never throws: a timeout or a refused connection is a result with ok: false.
 */
export function probe(endpoint: Endpoint, command: readonly string[], timeoutMs: number): Promise<ProbeResult> {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > PROBE_TIMEOUT_MS_MAX) {
    throw new RangeError(`timeoutMs must be from 1 to ${PROBE_TIMEOUT_MS_MAX} ms, got ${String(timeoutMs)}`);
  }
  const started = performance.now();
  const request = `*${command.length}\r\n${command.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve) => {
    let settled = false;
    let reply = '';
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: `no reply from ${formatEndpoint(endpoint)} within ${timeoutMs} ms`, elapsedMs: performance.now() - started }),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      const parsed = firstReply(reply);
      if (parsed !== undefined) finish({ ok: true, reply: parsed, elapsedMs: performance.now() - started });
    });
    socket.on('error', (error) => finish({ ok: false, error: error.message, elapsedMs: performance.now() - started }));
    socket.on('close', () => finish({ ok: false, error: 'connection closed before a reply', elapsedMs: performance.now() - started }));
  });
}

/**
 * The first RESP reply in `buffer` as text, or undefined while incomplete: a simple
 * reply's line ("+PONG", "-ERR ...", ":3", "$-1"), or a bulk string's content ("node-2").
 * Arrays are returned as their header line only; probes do not need their items.
 */
function firstReply(buffer: string): string | undefined {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return undefined;
  const line = buffer.slice(0, end);
  if (!line.startsWith('$') || line === '$-1') return line;
  const length = Number(line.slice(1));
  const body = buffer.slice(end + 2);
  return Buffer.byteLength(body) >= length + 2 ? body.slice(0, length) : undefined;
}

/** PING through `endpoint`; see probe(). */
export function probePing(endpoint: Endpoint, timeoutMs: number): Promise<ProbeResult> {
  return probe(endpoint, ['PING'], timeoutMs);
}
