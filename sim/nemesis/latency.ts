/**
 * latency: slow links to some nodes. Toxiproxy's `latency` toxic on both streams of each
 * chosen (group, node) proxy. `latencyMs` is what one request/reply round trip gains: half
 * is added to the request (upstream), half to the reply (downstream), and the same for
 * `jitterMs` (each stream's delay is its half of the latency +/- its half of the jitter).
 */
import type { Nemesis } from './nemesis.js';
import { toxicNemesis } from './toxic-nemesis.js';
import { toxicBody, type ToxicPlacement } from './toxics.js';
import { groupList, groupsOn, integerIn, listText, nodeList, nodesFit } from './validate.js';

export interface LatencyOptions {
  /** Nodes whose links slow down (0-based). */
  readonly nodes: readonly number[];
  /** Added to every round trip, in ms (0 to 60_000). */
  readonly latencyMs: number;
  /** Round-trip jitter, +/- ms (0 to latencyMs, so no delay is negative). @default 0 */
  readonly jitterMs?: number;
  /** Client groups affected. @default every group */
  readonly groups?: readonly number[];
}

const LATENCY_MS_MAX = 60_000;

export function latency(options: LatencyOptions): Nemesis {
  const nodes = nodeList('nodes', options.nodes);
  const latencyMs = integerIn('latencyMs', options.latencyMs, 0, LATENCY_MS_MAX);
  const jitterMs = integerIn('jitterMs', options.jitterMs ?? 0, 0, latencyMs);
  const groups = groupList('groups', options.groups);
  const upstream = { latency: Math.floor(latencyMs / 2), jitter: Math.floor(jitterMs / 2) };
  const downstream = { latency: latencyMs - upstream.latency, jitter: jitterMs - upstream.jitter };
  return toxicNemesis('latency', {
    placements(testbed) {
      nodesFit('nodes', nodes, testbed);
      const placements: ToxicPlacement[] = [];
      for (const group of groupsOn('groups', groups, testbed)) {
        for (const node of nodes) {
          placements.push({ group, node, toxic: toxicBody('latency', 'latency', 'upstream', upstream) });
          placements.push({ group, node, toxic: toxicBody('latency', 'latency', 'downstream', downstream) });
        }
      }
      return placements;
    },
    detail(testbed) {
      return `nodes ${listText(nodes)} +${latencyMs} ms per round trip (jitter ${jitterMs} ms) for groups ${listText(groupsOn('groups', groups, testbed))}`;
    },
  });
}
