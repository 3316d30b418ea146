import type { Testbed } from '../testbed/testbed.js';
import { GROUP_COUNT_MAX, NODE_COUNT_MAX } from '../testbed/testbed-counts.js';

/** A finite number within [min, max]; RangeError naming `name` and the range otherwise. */
export function numberIn(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** An integer within [min, max]; RangeError naming `name` and the range otherwise. */
export function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** A non-empty list of distinct node indexes (0-based). */
export function nodeList(name: string, nodes: readonly number[], allowEmpty = false): number[] {
  if (!Array.isArray(nodes) || (!allowEmpty && nodes.length === 0)) {
    throw new RangeError(`${name} must be a ${allowEmpty ? '' : 'non-empty '}list of node indexes, got ${JSON.stringify(nodes)}`);
  }
  nodes.forEach((node, index) => integerIn(`${name}[${index}]`, node, 0, NODE_COUNT_MAX - 1));
  if (new Set(nodes).size !== nodes.length) {
    throw new RangeError(`${name} must not repeat a node, got ${JSON.stringify(nodes)}`);
  }
  return [...nodes];
}

/** An optional list of distinct client groups; undefined means every group of the testbed. */
export function groupList(name: string, groups: readonly number[] | undefined): number[] | undefined {
  if (groups === undefined) return undefined;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new RangeError(`${name} must be a non-empty list of client groups, got ${JSON.stringify(groups)}`);
  }
  groups.forEach((group, index) => integerIn(`${name}[${index}]`, group, 0, GROUP_COUNT_MAX - 1));
  if (new Set(groups).size !== groups.length) {
    throw new RangeError(`${name} must not repeat a group, got ${JSON.stringify(groups)}`);
  }
  return [...groups];
}

/** Checks that nodes exist on this testbed. */
export function nodesFit(name: string, nodes: readonly number[], testbed: Testbed): void {
  for (const node of nodes) integerIn(name, node, 0, testbed.nodeCount - 1);
}

/** The groups a fault applies to on this testbed: the given ones (checked) or all. */
export function groupsOn(name: string, groups: readonly number[] | undefined, testbed: Testbed): number[] {
  if (groups === undefined) return Array.from({ length: testbed.groupCount }, (_, group) => group);
  for (const group of groups) integerIn(name, group, 0, testbed.groupCount - 1);
  return [...groups];
}

/** "0,1,2" for fault details. */
export function listText(values: readonly number[]): string {
  return values.join(',');
}
