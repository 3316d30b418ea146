import { Command } from 'commander';

/**
 * Adds the lab's `sim` command to the root program. The lab's command module is loaded
 * at run time so that the bench builds and runs while the lab is still being written.
 */
export async function registerSim(program: Command): Promise<void> {
  try {
    const specifier = '../sim/cli-command.js';
    const module = (await import(specifier)) as { simCommand: () => Command };
    program.addCommand(module.simCommand());
  } catch {
    program.addCommand(
      new Command('sim')
        .description('the fault-injection lab (not in this build)')
        .allowUnknownOption()
        .action((_options: unknown, command: Command) => command.error('error: the sim command is not part of this build yet', { exitCode: 1 })),
    );
  }
}
