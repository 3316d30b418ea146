/**
 * resets: connections that break or crawl rather than vanish, on both streams of each
 * chosen (group, node) proxy:
 * - reset_peer: TCP RST after `timeoutMs` (0: at once), "connection reset by peer";
 * - limit_data: the connection is closed after `bytes` have gone through;
 * - slicer: data cut into small pieces with a delay between them;
 * - bandwidth: throughput capped at `rateKBps`.
 * None of them loses Redis state: they cost latency and availability only.
 */
import type { Nemesis } from './nemesis.js';
import { toxicNemesis } from './toxic-nemesis.js';
import { BOTH_STREAMS, toxicBody, type ToxicPlacement } from './toxics.js';
import { groupList, groupsOn, integerIn, listText, nodeList, nodesFit, numberIn } from './validate.js';

interface ResetsCommon {
  /** Nodes whose links misbehave (0-based). */
  readonly nodes: readonly number[];
  /** Client groups affected. @default every group */
  readonly groups?: readonly number[];
  /** Share of connections affected, 0 to 1. @default 1 */
  readonly toxicity?: number;
}

export type ResetsOptions = ResetsCommon &
  (
    | {
        readonly kind: 'reset_peer';
        /** Time before the reset, in ms (0 to 60_000). @default 0 */
        readonly timeoutMs?: number;
      }
    | {
        readonly kind: 'limit_data';
        /** Bytes let through before the close (1 to 1_000_000_000). @default 512 */
        readonly bytes?: number;
      }
    | {
        readonly kind: 'slicer';
        /** Average slice size in bytes (1 to 65_536). @default 8 */
        readonly averageSizeBytes?: number;
        /** Slice size variation in bytes (0 to averageSizeBytes - 1). @default averageSizeBytes / 2, rounded down */
        readonly sizeVariationBytes?: number;
        /** Delay between slices in microseconds (0 to 1_000_000). @default 500 us */
        readonly delayUs?: number;
      }
    | {
        readonly kind: 'bandwidth';
        /** Throughput cap in KB/s (1 to 1_000_000). @default 1 */
        readonly rateKBps?: number;
      }
  );

export type ResetKind = ResetsOptions['kind'];

export function resets(options: ResetsOptions): Nemesis {
  const nodes = nodeList('nodes', options.nodes);
  const groups = groupList('groups', options.groups);
  const toxicity = numberIn('toxicity', options.toxicity ?? 1, 0, 1);
  const { attributes, text } = toxicAttributes(options);
  const name = `resets-${options.kind}`;
  return toxicNemesis(name, {
    placements(testbed) {
      nodesFit('nodes', nodes, testbed);
      const placements: ToxicPlacement[] = [];
      for (const group of groupsOn('groups', groups, testbed)) {
        for (const node of nodes) {
          for (const stream of BOTH_STREAMS) {
            placements.push({ group, node, toxic: toxicBody(name, options.kind, stream, attributes, toxicity) });
          }
        }
      }
      return placements;
    },
    detail(testbed) {
      return `nodes ${listText(nodes)} ${text} (toxicity ${toxicity}) for groups ${listText(groupsOn('groups', groups, testbed))}`;
    },
  });
}

function toxicAttributes(options: ResetsOptions): { attributes: unknown; text: string } {
  switch (options.kind) {
    case 'reset_peer': {
      const timeout = integerIn('timeoutMs', options.timeoutMs ?? 0, 0, 60_000);
      return { attributes: { timeout }, text: `reset_peer after ${timeout} ms` };
    }
    case 'limit_data': {
      const bytes = integerIn('bytes', options.bytes ?? 512, 1, 1_000_000_000);
      return { attributes: { bytes }, text: `closed after ${bytes} bytes` };
    }
    case 'slicer': {
      const averageSize = integerIn('averageSizeBytes', options.averageSizeBytes ?? 8, 1, 65_536);
      const sizeVariation = integerIn(
        'sizeVariationBytes',
        options.sizeVariationBytes ?? Math.floor(averageSize / 2),
        0,
        averageSize - 1,
      );
      const delay = integerIn('delayUs', options.delayUs ?? 500, 0, 1_000_000);
      return {
        attributes: { average_size: averageSize, size_variation: sizeVariation, delay },
        text: `sliced to ${averageSize}+/-${sizeVariation} bytes every ${delay} us`,
      };
    }
    case 'bandwidth': {
      const rate = integerIn('rateKBps', options.rateKBps ?? 1, 1, 1_000_000);
      return { attributes: { rate }, text: `capped at ${rate} KB/s` };
    }
    default: {
      const kind: unknown = (options as { kind: unknown }).kind;
      throw new RangeError(`kind must be 'reset_peer', 'limit_data', 'slicer' or 'bandwidth', got ${JSON.stringify(kind)}`);
    }
  }
}
