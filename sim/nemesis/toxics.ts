import type { ICreateToxicBody, Proxy, ToxicDirection, ToxicType } from 'toxiproxy-node-client';
import type { Testbed } from '../testbed/testbed.js';
import { toxiproxyCall } from '../testbed/toxiproxy-call.js';

/** One toxic on one (group, node) proxy. */
export interface ToxicPlacement {
  readonly group: number;
  readonly node: number;
  readonly toxic: ICreateToxicBody<unknown>;
}

export const BOTH_STREAMS: readonly ToxicDirection[] = ['upstream', 'downstream'];

/** The toxic body for one stream, named so that its nemesis can find and remove it again. */
export function toxicBody(
  name: string,
  type: ToxicType,
  stream: ToxicDirection,
  attributes: unknown,
  toxicity = 1,
): ICreateToxicBody<unknown> {
  return { name: `${name}-${stream}`, type, stream, toxicity, attributes };
}

/** Places every toxic, replacing one of the same name (so a repeated inject is idempotent). */
export async function placeToxics(testbed: Testbed, placements: readonly ToxicPlacement[]): Promise<void> {
  await Promise.all(
    placements.map(async ({ group, node, toxic }) => {
      const proxy = testbed.proxy(group, node);
      await removeToxicIfPresent(proxy, toxic.name, testbed.toxiproxyCallTimeoutMs);
      await toxiproxyCall(`add toxic ${toxic.name} on ${proxy.name}`, () => proxy.addToxic(toxic), testbed.toxiproxyCallTimeoutMs);
    }),
  );
}

/** Removes every placed toxic that is still there (so a repeated heal is idempotent). */
export async function removeToxics(testbed: Testbed, placements: readonly ToxicPlacement[]): Promise<void> {
  await Promise.all(
    placements.map(({ group, node, toxic }) => removeToxicIfPresent(testbed.proxy(group, node), toxic.name, testbed.toxiproxyCallTimeoutMs)),
  );
}

/**
 * Lists the proxy's toxics first instead of deleting blindly and ignoring a 404: an error
 * here is then always a real one (Toxiproxy down, proxy missing), never swallowed. Every
 * call is bounded (toxiproxyCall): a removal is where Toxiproxy's API can hang.
 */
async function removeToxicIfPresent(proxy: Proxy, name: string, timeoutMs: number): Promise<void> {
  const { data } = await toxiproxyCall(`list toxics on ${proxy.name}`, () => proxy.api.get<{ name: string }[]>(`${proxy.getPath()}/toxics`), timeoutMs);
  if (!data.some((toxic) => toxic.name === name)) return;
  const toxic = await toxiproxyCall(`get toxic ${name} on ${proxy.name}`, () => proxy.getToxic(name), timeoutMs);
  await toxiproxyCall(`remove toxic ${name} on ${proxy.name}`, () => toxic.remove(), timeoutMs);
}
