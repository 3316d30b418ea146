/**
 * oneWayLoss: one direction of a link drops everything. A `timeout` toxic (timeout 0) on
 * one stream only. Downstream (the default) is the interesting case: the request reaches
 * the node and is applied, the reply is lost, so the client cannot tell the SET happened
 * and the key stays until its TTL. Upstream loses the request itself.
 */
import type { ToxicDirection } from 'toxiproxy-node-client';
import { sampleLeftBehind, type LeftBehindSampler } from './left-behind.js';
import type { Nemesis } from './nemesis.js';
import { toxicNemesis } from './toxic-nemesis.js';
import { toxicBody, type ToxicPlacement } from './toxics.js';
import { groupList, groupsOn, listText, nodeList, nodesFit } from './validate.js';

export interface OneWayLossOptions {
  /** Nodes whose links lose one direction (0-based). */
  readonly nodes: readonly number[];
  /** The direction that loses data. @default 'downstream' (replies) */
  readonly stream?: ToxicDirection;
  /** Client groups affected. @default every group */
  readonly groups?: readonly number[];
}

export function oneWayLoss(options: OneWayLossOptions): Nemesis {
  const nodes = nodeList('nodes', options.nodes);
  const stream = options.stream ?? 'downstream';
  if (stream !== 'downstream' && stream !== 'upstream') {
    throw new RangeError(`stream must be 'downstream' or 'upstream', got ${JSON.stringify(stream)}`);
  }
  const groups = groupList('groups', options.groups);
  let sampler: LeftBehindSampler | undefined;
  let sampleErrors = 0;
  return toxicNemesis('one-way-loss', {
    // The spec's prediction, measured: keys whose replies were lost stay on those nodes.
    startMeasuring(ctx) {
      sampleErrors = 0;
      sampler = sampleLeftBehind(ctx.testbed.directEndpoints(), nodes, () => {
        sampleErrors += 1;
      });
    },
    async stopMeasuring() {
      const measured = sampler === undefined ? { keysLeftBehind: 0, maxAgeMs: 0 } : await sampler.stop();
      sampler = undefined;
      return { ...measured, sampleErrors };
    },
    placements(testbed) {
      nodesFit('nodes', nodes, testbed);
      const placements: ToxicPlacement[] = [];
      for (const group of groupsOn('groups', groups, testbed)) {
        for (const node of nodes) {
          placements.push({ group, node, toxic: toxicBody('one-way-loss', 'timeout', stream, { timeout: 0 }) });
        }
      }
      return placements;
    },
    detail(testbed) {
      const lost = stream === 'downstream' ? 'replies' : 'requests';
      return `nodes ${listText(nodes)} lose ${lost} for groups ${listText(groupsOn('groups', groups, testbed))}`;
    },
  });
}
