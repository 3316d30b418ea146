import { Command, Option } from 'commander';
import { BenchOptionError } from './option-error.js';
import { LIMITS, parseBenchOptions, SCENARIOS, type RawBenchOptions } from './options.js';
import { reportToJson } from './report.js';
import { formatReportMarkdown } from './report-markdown.js';
import { formatReport } from './report-text.js';
import { runBench } from './run-bench.js';

/** Exit code for a bad command line, as commander uses for its own usage errors. */
const EXIT_USAGE = 2;

/**
 * `redquorum bench <scenario>`: commander only collects strings here; parseBenchOptions
 * checks them and runBench runs, so each is tested on its own.
 */
export function benchCommand(): Command {
  const range = (limit: { min: number; max: number }): string => `${limit.min} to ${limit.max}`;
  return new Command('bench')
    .description('measure lock latency, throughput and hot-key contention, side by side with node-redlock')
    .argument('<scenario>', `one of ${SCENARIOS.join(', ')}`)
    .option('--vs <libraries>', 'also run these, interleaved in the same run, and print ratios: redlock, raw, raw-pipelined (comma-separated)')
    .option('--self', 'also run a second, independent redquorum: its ratios to the first show how far the machine moves a ratio (1.00 if nothing did)')
    .option('--fencing', 'also run redquorum with fencing tokens on (latency, throughput), compared with fencing off')
    .option('--quick', 'a short run (about 8 s): 2,000 latency cycles or 2 s per library, after a 2 s warm-up that lets the JIT settle')
    .option('--iterations <n>', `measured operations per library, at most (${range(LIMITS.iterations)}; latency default 5000)`)
    .option('--duration <seconds>', `measured time per library, at most (${range(LIMITS.durationS)}; throughput and contention default 10)`)
    .option('--warmup <seconds>', `unmeasured time per library first (${range(LIMITS.warmupS)}; default 1, 2 with --quick)`)
    .option('--rounds <n>', `interleaved rounds (${range(LIMITS.rounds)}; default 4)`)
    .option('--concurrency <n>', `throughput: concurrent lockers on distinct keys (${range(LIMITS.concurrency)}; default 64)`)
    .option('--workers <n>', `contention: workers on the hot key (${range(LIMITS.workers)}; default 8)`)
    .option('--hold-ms <ms>', `contention: time each holder keeps the lock (${range(LIMITS.holdMs)}; default 1)`)
    .option('--think-ms <ms>', `contention: pause between release and the next ask (${range(LIMITS.thinkMs)}; default 5)`)
    .option('--ttl-ms <ms>', `lock time to live (${range(LIMITS.ttlMs)}; default 1000)`)
    .option('--retry-count <n>', `both libraries' retryCount (${range(LIMITS.retryCount)}; default: each library's own)`)
    .option('--retry-delay <ms>', `both libraries' retryDelay (${range(LIMITS.retryDelay)}; default: each library's own)`)
    .option('--retry-jitter <ms>', `both libraries' retryJitter (${range(LIMITS.retryJitter)}; default: each library's own)`)
    .option('--notify <on|off>', "redquorum's releaseNotifications setting: waiters wake when the lock is released (default: the library's own)")
    .option('--fault <spec>', 'faults: latency:<ms>:<k> (added latency on k nodes) or down:<k> (k nodes unreachable)')
    .option('--under <workload>', 'faults: the workload run under the fault (latency, throughput, contention; default latency)')
    .option('--nodes <n>', `embedded testbed: redis-server count (${range(LIMITS.nodes)}; default 5)`)
    .addOption(new Option('--testbed <kind>', 'where redis runs (default embedded)').choices(['embedded', 'compose']))
    .option('--redis <addresses>', 'use these redis masters: host:port,host:port,...')
    .option('--toxiproxy <url>', 'with --redis, the Toxiproxy API the faults scenario drives')
    .option('--json', 'print the report as JSON on stdout')
    .option('--markdown', 'print the report as markdown tables (as in BENCHMARKS.md) on stdout')
    .option('--hgrm <file>', 'write HdrHistogram percentile distributions (.hgrm), one file per library and histogram')
    .option('--unit <unit>', 'table unit: auto, us, ms (default auto)')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (scenario: string, raw: RawBenchOptions, command: Command) => {
      let options;
      try {
        options = parseBenchOptions(scenario, raw);
      } catch (error) {
        if (error instanceof BenchOptionError) command.error(`error: ${error.message}`, { exitCode: EXIT_USAGE, code: 'bench.option' });
        throw error;
      }
      const { report, hgrmPaths } = await runBench(options);
      const output = options.json ? reportToJson(report) : options.markdown ? formatReportMarkdown(report) : formatReport(report, options.unit);
      process.stdout.write(`${output}\n`);
      for (const path of hgrmPaths) process.stderr.write(`wrote ${path}\n`);
    });
}
