/**
 * partition: some nodes unreachable. A `timeout` toxic with timeout 0 on both streams of
 * each chosen (group, node) proxy: a black hole, where data is dropped and the connection
 * stays open, so clients see timeouts, not refusals (the harder case for a lock client).
 * Choosing 1-2 of 5 nodes partitions a minority, 3+ a majority. Removing the toxic closes
 * the connections it held, so clients reconnect after the heal.
 */
import type { Nemesis } from './nemesis.js';
import { toxicNemesis } from './toxic-nemesis.js';
import { BOTH_STREAMS, toxicBody, type ToxicPlacement } from './toxics.js';
import { groupList, groupsOn, listText, nodeList, nodesFit } from './validate.js';

export interface PartitionOptions {
  /** Nodes cut off (0-based). */
  readonly nodes: readonly number[];
  /** Client groups cut off from them. @default every group */
  readonly groups?: readonly number[];
}

export function partition(options: PartitionOptions): Nemesis {
  const nodes = nodeList('nodes', options.nodes);
  const groups = groupList('groups', options.groups);
  return toxicNemesis('partition', {
    placements(testbed) {
      nodesFit('nodes', nodes, testbed);
      return blackHoles('partition', groupsOn('groups', groups, testbed), nodes);
    },
    detail(testbed) {
      return `nodes ${listText(nodes)} black-holed for groups ${listText(groupsOn('groups', groups, testbed))}`;
    },
  });
}

/** Black-hole toxics (timeout 0, both streams) on every (group, node) given. */
export function blackHoles(name: string, groups: readonly number[], nodes: readonly number[]): ToxicPlacement[] {
  const placements: ToxicPlacement[] = [];
  for (const group of groups) {
    for (const node of nodes) {
      for (const stream of BOTH_STREAMS) {
        placements.push({ group, node, toxic: toxicBody(name, 'timeout', stream, { timeout: 0 }) });
      }
    }
  }
  return placements;
}
