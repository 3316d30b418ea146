import { Command } from 'commander';
import { describeCauseChain } from '../sim/cause-chain.js';
import { simCommand } from '../sim/cli-command.js';
import { exploreCommand } from '../sim/explore/explore-command.js';
import { benchCommand } from './bench-command.js';

/**
 * The `redquorum` program: `sim` (the fault-injection lab), `explore` (the deterministic
 * simulator) and `bench` (the benchmark).
 * tsup builds this file to dist/cli.js with a shebang; package.json's bin points there.
 */
async function main(): Promise<void> {
  const program = new Command('redquorum')
    .description('Redlock quorum locks: the fault-injection lab, the deterministic simulator and the benchmark')
    .showHelpAfterError();
  program.addCommand(simCommand());
  program.addCommand(benchCommand());
  program.addCommand(exploreCommand());
  await program.parseAsync(process.argv);
}

// What reaches here could not start or broke the harness: one plain line with its causes, exit code 3.
main().catch((error: unknown) => {
  process.stderr.write(`redquorum: ${describeCauseChain(error)}\n`);
  process.exitCode = 3;
});
