/**
 * asymmetricPartition: each client group sees a different part of the cluster. Group g
 * reaches only the nodes in reach[g]; its proxies to every other node are black holes
 * (timeout 0, both streams). With 5 nodes, reach [[0,1,2],[2,3,4]] is the classic layout:
 * each group sees a majority and node 2 arbitrates. Groups beyond reach.length are untouched.
 */
import type { Nemesis } from './nemesis.js';
import { blackHoles } from './partition.js';
import { toxicNemesis } from './toxic-nemesis.js';
import type { ToxicPlacement } from './toxics.js';
import { integerIn, listText, nodeList, nodesFit } from './validate.js';
import { GROUP_COUNT_MAX } from '../testbed/testbed-counts.js';

export interface AsymmetricPartitionOptions {
  /** reach[g]: the nodes client group g can reach (may be empty: the group sees nothing). */
  readonly reach: readonly (readonly number[])[];
}

export function asymmetricPartition(options: AsymmetricPartitionOptions): Nemesis {
  if (!Array.isArray(options.reach)) throw new RangeError('reach must be a list of node lists, one per group');
  integerIn('reach.length', options.reach.length, 1, GROUP_COUNT_MAX);
  const reach = options.reach.map((nodes, group) => nodeList(`reach[${group}]`, nodes, true));
  return toxicNemesis('asymmetric-partition', {
    placements(testbed) {
      integerIn('reach.length', reach.length, 1, testbed.groupCount);
      const placements: ToxicPlacement[] = [];
      reach.forEach((reachable, group) => {
        nodesFit(`reach[${group}]`, reachable, testbed);
        const cut = Array.from({ length: testbed.nodeCount }, (_, node) => node).filter((node) => !reachable.includes(node));
        placements.push(...blackHoles('asymmetric-partition', [group], cut));
      });
      return placements;
    },
    detail() {
      return reach.map((nodes, group) => `group ${group} reaches nodes ${listText(nodes) || 'none'}`).join('; ');
    },
  });
}
