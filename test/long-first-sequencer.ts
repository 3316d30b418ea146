import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Integration files run two at a time; a fresh clone has no timing cache, so vitest would
// start them in glob order and could leave the longest file (the lab's CI catalog, about
// a minute) for last, alone on one worker. Longest first keeps both workers busy to the
// end. Later runs also sort by the cached durations, as vitest does; these files stay first.
const LONGEST_FIRST = ['sim-catalog.test.ts', 'explore-workers.test.ts', 'package-exports.test.ts', 'sim-toxiproxy-restart.test.ts', 'library-using.test.ts'];

const rank = (spec: TestSpecification): number => {
  const index = LONGEST_FIRST.findIndex((name) => spec.moduleId.endsWith(`/${name}`));
  return index === -1 ? LONGEST_FIRST.length : index;
};

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: within a rank, vitest's own order stays.
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b));
  }
}
