import type { RegisterKind } from '../history/types.js';
import type { Testbed } from '../testbed/testbed.js';
import type { WorkerConfig } from '../workload/worker-config.js';
import { readFinalCounters } from '../workload/resource.js';
import type { RegisterInput } from './observe.js';

/** Every register the run's workers wrote, with its groups and final counters. */
export async function registerInputs(testbed: Testbed, configs: readonly WorkerConfig[], problems: string[]): Promise<RegisterInput[]> {
  const byKind = new Map<RegisterKind, { groups: Set<number>; resources: Set<string> }>();
  for (const config of configs) {
    for (const kind of [config.register, ...config.controlRegisters]) {
      let entry = byKind.get(kind);
      if (entry === undefined) {
        entry = { groups: new Set(), resources: new Set() };
        byKind.set(kind, entry);
      }
      entry.groups.add(config.group);
      for (const resource of config.resources) entry.resources.add(resource);
    }
  }
  const order: RegisterKind[] = ['kleppmann', 'write-check', 'none'];
  const inputs: RegisterInput[] = [];
  for (const kind of order) {
    const entry = byKind.get(kind);
    if (entry === undefined) continue;
    let finalCounter: number | undefined;
    try {
      const counters = await readFinalCounters(testbed.resourceEndpoint, [...entry.resources], kind);
      finalCounter = [...counters.values()].reduce((a, b) => a + b, 0);
    } catch (error) {
      problems.push(`reading the ${kind} register's counters failed: ${(error as Error).message}`);
    }
    inputs.push({ register: kind, groups: entry.groups, finalCounter });
  }
  return inputs;
}
