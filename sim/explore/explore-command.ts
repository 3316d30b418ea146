import { Command, InvalidArgumentError, Option } from 'commander';
import { randomSeed, SEED_MAX } from '../random.js';
import { exploreMain } from './explore-main.js';
import { serveShard, WORKERS_MAX } from './explore-workers.js';
import { decodeScenario } from './scenario-codec.js';
import type { ExploreVariant } from './scenario.js';
import { SWARM_KINDS, type SwarmKind } from './swarm.js';
import { integerArg } from '../cli-args.js';

interface RawExploreOptions {
  readonly seed?: number;
  readonly ops: number;
  readonly opsPerRun: number;
  readonly runs: number;
  readonly timeLimit: number;
  readonly withinAssumptions?: boolean;
  readonly controls?: readonly ExploreVariant[];
  readonly faults?: readonly SwarmKind[];
  readonly replay?: string;
  readonly shrink: boolean;
  readonly shrinkRuns: number;
  readonly shrinkTimeLimit: number;
  readonly workers: number;
  readonly shardWorker?: boolean;
}

const CONTROLS: readonly ExploreVariant[] = ['no-validity-check', 'plain-del-release'];

/**
 * `redquorum explore`: the real library in virtual time. Draws scenarios from a seed
 * (swarm: random faults, the Redlock-breaking ones included; or within the spec's
 * assumptions), runs each on simulated nodes, network and clocks, judges the history
 * with the lab's checkers, prints every violation with the seed that replays it, then
 * shrinks the first of each kind to a minimal timeline and a replay command.
 */
export function exploreCommand(): Command {
  return new Command('explore')
    .description('explore fault schedules in virtual time: the real library on simulated nodes, network and clocks, from one seed')
    .option('--seed <n>', `seed of the exploration, 0 to ${SEED_MAX} (default: random, printed)`, integerArg('--seed', 0, SEED_MAX))
    .option('--ops <n>', 'stop after this many lock operation attempts (acquire, extend, release), 1 to 1000000000', integerArg('--ops', 1, 1_000_000_000), 100_000)
    .option('--ops-per-run <n>', 'lock operations the clients of one scenario start, 1 to 100000', integerArg('--ops-per-run', 1, 100_000), 2000)
    .option('--runs <n>', 'stop after this many scenarios, 1 to 10000000', integerArg('--runs', 1, 10_000_000), 10_000_000)
    .option('--time-limit <s>', 'stop after this many seconds, 1 to 86400', integerArg('--time-limit', 1, 86_400), 600)
    .option('--within-assumptions', "only faults inside the Redlock spec's assumptions: bounded drift below driftFactor, delayed restarts, AOF always, no client pause beyond validity")
    .option('--controls <list>', `add negative-control clients to every scenario: ${CONTROLS.join(', ')} (comma-separated)`, controlsArg)
    .option('--faults <list>', `the fault kinds a seed may enable: ${SWARM_KINDS.join(', ')} (comma-separated; default all)`, faultsArg)
    .option('--replay <scenario>', 'run one scenario: an encoded one (v1....) or the seed of one, with the same --within-assumptions, --ops-per-run and --controls')
    .option('--workers <n>', `explorer processes, one per core, over disjoint runs; the summary sums them, 1 to ${WORKERS_MAX}`, integerArg('--workers', 1, WORKERS_MAX), 1)
    .addOption(new Option('--shard-worker', 'serve one shard of a --workers exploration (set by the parent process)').hideHelp())
    .option('--no-shrink', 'print violations without shrinking them')
    .option('--shrink-runs <n>', 'most runs spent shrinking one counterexample, 1 to 100000', integerArg('--shrink-runs', 1, 100_000), 300)
    .option('--shrink-time-limit <s>', 'most seconds spent shrinking one counterexample, 1 to 86400', integerArg('--shrink-time-limit', 1, 86_400), 300)
    .addHelpText('after', '\nExit codes: 0 nothing the spec does not predict, 3 an anomaly no broken assumption explains (any, within assumptions), 4 a run that got stuck, 1 bad options.')
    .action(async (options: RawExploreOptions, command: Command) => {
      if (options.shardWorker === true) {
        await serveShard();
        return;
      }
      const seed = options.seed ?? randomSeed();
      if (options.replay !== undefined) {
        // A bad --replay text is bad input: one plain line naming the field, no stack.
        if (/^\d+$/.test(options.replay)) {
          if (Number(options.replay) > SEED_MAX) command.error(`error: --replay takes an encoded scenario or a seed from 0 to ${SEED_MAX}, got ${options.replay}`, { exitCode: 1 });
        } else {
          try {
            decodeScenario(options.replay);
          } catch (error) {
            command.error(`error: --replay: ${(error as Error).message}`, { exitCode: 1 });
          }
        }
      }
      process.exitCode = await exploreMain(
        {
          seed,
          mode: options.withinAssumptions === true ? 'within' : 'swarm',
          opsTotal: options.ops,
          opsPerRun: options.opsPerRun,
          runsMax: options.runs,
          timeLimitMs: options.timeLimit * 1000,
          controls: options.controls ?? [],
          kinds: options.faults ?? SWARM_KINDS,
          shrink: options.shrink,
          shrinkRunsMax: options.shrinkRuns,
          shrinkTimeLimitMs: options.shrinkTimeLimit * 1000,
          workers: options.workers,
          replay: options.replay,
        },
        (line) => process.stdout.write(`${line}\n`),
      );
    });
}

function faultsArg(value: string): SwarmKind[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!SWARM_KINDS.includes(name as SwarmKind)) throw new InvalidArgumentError(`--faults takes ${SWARM_KINDS.join(', ')} (comma-separated), got "${name}"`);
  }
  return names as SwarmKind[];
}

function controlsArg(value: string): ExploreVariant[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!CONTROLS.includes(name as ExploreVariant)) throw new InvalidArgumentError(`--controls takes ${CONTROLS.join(', ')} (comma-separated), got "${name}"`);
  }
  return names as ExploreVariant[];
}

