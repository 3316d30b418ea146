import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalogJson } from './run/catalog-json.js';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { randomSeed, SEED_MAX } from './random.js';
import { renderVerdictTable } from './report/index.js';
import { runCatalog } from './run/run-catalog.js';
import { FULL_SETTINGS, resolveSettings, SHORT_SETTINGS } from './run/settings.js';
import { CATALOG, selectScenarios } from './scenarios/catalog.js';
import type { Scenario } from './scenarios/types.js';
import { connectComposeTestbed, connectExplicitTestbed, startEmbeddedTestbed, type Testbed } from './testbed/testbed.js';
import { GROUP_COUNT_MAX } from './testbed/testbed-counts.js';
import { COMPOSE_GROUP_COUNT } from './testbed/compose-layout.js';
import { LOCK_CLIENT_LIBRARIES, type LockClientLibrary } from './workload/lock-client-library.js';
import { integerArg, numberArg } from './cli-args.js';

interface SimOptions {
  readonly seed?: number;
  readonly duration?: number;
  readonly workers?: number;
  readonly loops?: number;
  readonly holdMs?: readonly [number, number];
  readonly thinkMs?: readonly [number, number];
  readonly resources?: number;
  readonly ttl?: number;
  readonly testbed: 'embedded' | 'compose';
  readonly client: LockClientLibrary;
  readonly redis?: string;
  readonly toxiproxy?: string;
  readonly resource?: string;
  readonly out: string;
  readonly short?: boolean;
  readonly list?: boolean;
  readonly json?: string;
}

/**
 * `redquorum sim [scenario...]`: runs scenarios of the fault catalog (all by default) on
 * a testbed, prints the seed first, a progress bar on stderr, then the verdict table;
 * writes <out>/report.html and every history. Exit code: 0 every scenario matched its
 * prediction, 1 a safety mismatch, 2 a liveness mismatch, 3 a harness crash.
 */
export function simCommand(): Command {
  return new Command('sim')
    .description('run the fault-injection lab: scenarios of FAULTS.md on real Redis and Toxiproxy, checked, with a verdict table')
    .argument('[scenario...]', `scenario ids (default: all): ${CATALOG.map((s) => s.id).join(', ')}`)
    .option('--seed <n>', `seed of every random choice, 0 to ${SEED_MAX} (default: random, printed)`, integerArg('--seed', 0, SEED_MAX))
    .option('--duration <s>', `workload seconds per scenario (default ${defaults('durationS')})`, numberArg('--duration', 1, 600))
    .option('--workers <w>', `worker processes per scenario (default ${defaults('workers')})`, integerArg('--workers', 1, 64))
    .option('--loops <n>', `concurrent lock loops per worker process, each a worker in the history (default ${defaults('loops')})`, integerArg('--loops', 1, 64))
    .option('--resources <r>', `resources per pool (default ${defaults('resources')})`, integerArg('--resources', 1, 1000))
    .option('--hold-ms <min-max>', `critical-section length in ms (default ${defaults('holdMs')})`, rangeArg('--hold-ms'))
    .option('--think-ms <min-max>', `think time between operations in ms (default ${defaults('thinkMs')})`, rangeArg('--think-ms'))
    .option('--ttl <ms>', 'lock TTL in ms (default 1000)', integerArg('--ttl', 100, 60_000))
    .addOption(new Option('--testbed <kind>', 'embedded: start every server here; compose: the compose.yaml services').choices(['embedded', 'compose']).default('embedded'))
    .addOption(new Option('--client <library>', 'the client library the library-based lock clients run on').choices([...LOCK_CLIENT_LIBRARIES]).default('ioredis'))
    .option('--redis <list>', 'explicit testbed: the Redis masters, host:port,...')
    .option('--toxiproxy <url>', 'explicit testbed: the Toxiproxy API URL')
    .option('--resource <host:port>', 'explicit testbed: the resource Redis outside the faulted network')
    .option('--out <dir>', 'folder for report.html and the histories', 'sim-out')
    .option('--short', 'the CI version: a few seconds per scenario')
    .option('--list', 'list the scenarios and exit')
    .option('--json <file>', 'also write every count of every row as JSON to this file')
    .addHelpText('after', '\nExit codes: 0 all scenarios match, 1 safety mismatch, 2 liveness mismatch, 3 nothing could be concluded (harness crash, a row without evidence, or the lab could not start).')
    .action(async (ids: string[], options: SimOptions, command: Command) => {
      if (options.list === true) {
        for (const scenario of CATALOG) process.stdout.write(`${scenario.id.padEnd(30)} ${scenario.assumption.padEnd(7)} ${scenario.fault}\n`);
        return;
      }
      let scenarios: Scenario[];
      try {
        scenarios = selectScenarios(ids);
      } catch (error) {
        command.error(`error: ${(error as Error).message}`, { exitCode: 3 });
      }
      const seed = options.seed ?? randomSeed();
      process.stdout.write(`seed ${seed}\n`);
      const settings = resolveSettings({
        seed,
        short: options.short === true,
        ...(options.duration === undefined ? {} : { durationS: options.duration }),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        ...(options.loops === undefined ? {} : { loops: options.loops }),
        ...(options.holdMs === undefined ? {} : { holdMs: options.holdMs }),
        ...(options.thinkMs === undefined ? {} : { thinkMs: options.thinkMs }),
        ...(options.resources === undefined ? {} : { resources: options.resources }),
        ...(options.ttl === undefined ? {} : { ttlMs: options.ttl }),
        client: options.client,
      });
      const groups = Math.min(GROUP_COUNT_MAX, Math.max(...scenarios.map((s) => s.groups.length)));
      let testbed: Testbed;
      try {
        testbed = await openTestbed(options, groups);
      } catch (error) {
        throw new Error('the lab could not start its testbed', { cause: error });
      }
      const bar = progressBar(scenarios.length);
      try {
        const outDir = resolve(options.out);
        const command = ['redquorum', 'sim', ...process.argv.slice(3)].join(' ').replace(/ --seed \d+/, '') + ` --seed ${seed}`;
        const result = await runCatalog(testbed, scenarios, {
          settings,
          outDir,
          command,
          onScenarioStart: (scenario, index) => bar.label(`${index + 1}/${scenarios.length} ${scenario.id}`),
          onProgress: (share) => bar.update(share),
        });
        bar.stop();
        process.stdout.write(`\n${renderVerdictTable(result.rows, { color: process.stdout.isTTY === true })}\n`);
        if (options.json !== undefined) writeFileSync(resolve(options.json), catalogJson(result, { seed, command }));
        process.stdout.write(`\nseed ${seed}; report ${result.reportPath}; histories in ${outDir}${options.json === undefined ? '' : `; counts in ${resolve(options.json)}`}\n`);
        process.exitCode = result.exitCode;
      } finally {
        bar.stop();
        await testbed.stop();
      }
    });
}

async function openTestbed(options: SimOptions, groups: number): Promise<Testbed> {
  if (options.redis !== undefined || options.toxiproxy !== undefined || options.resource !== undefined) {
    if (options.redis === undefined || options.toxiproxy === undefined || options.resource === undefined) {
      throw new RangeError('an explicit testbed needs all of --redis, --toxiproxy and --resource');
    }
    return connectExplicitTestbed({ redis: options.redis.split(',').map((s) => s.trim()), toxiproxyUrl: options.toxiproxy, resource: options.resource, groups });
  }
  // compose.yaml publishes COMPOSE_GROUP_COUNT proxy groups, as many as the catalog needs.
  if (options.testbed === 'compose') return connectComposeTestbed({ groups: Math.min(groups, COMPOSE_GROUP_COUNT) });
  return startEmbeddedTestbed({ nodes: 5, groups });
}

function progressBar(scenarios: number): { label(text: string): void; update(share: number): void; stop(): void } {
  const stream = process.stderr;
  if (!stream.isTTY) return { label() {}, update() {}, stop() {} };
  const steps = 1000;
  const bar = new cliProgress.SingleBar(
    { stream, format: 'sim [{bar}] {percentage}% | {label}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps, 0, { label: `0/${scenarios}` });
  let stopped = false;
  return {
    label: (text) => bar.update({ label: text }),
    update: (share) => bar.update(Math.round(Math.min(1, Math.max(0, share)) * steps)),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/** "<full>, <short> with --short" for one preset setting, for the help text. */
function defaults(key: keyof typeof FULL_SETTINGS): string {
  const text = (value: number | readonly number[]): string => (typeof value === 'number' ? String(value) : value.join('-'));
  return `${text(FULL_SETTINGS[key])}, ${text(SHORT_SETTINGS[key])} with --short`;
}

function rangeArg(name: string): (value: string) => readonly [number, number] {
  return (value) => {
    const match = /^(\d+)-(\d+)$/.exec(value.trim());
    const min = Number(match?.[1]);
    const max = Number(match?.[2]);
    if (!match || min > max || max > 60_000) {
      throw new InvalidArgumentError(`${name} must be a range "min-max" of integers from 0 to 60000 with min <= max, got "${value}"`);
    }
    return [min, max];
  };
}


