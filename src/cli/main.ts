import { readFileSync } from 'node:fs';
import { lintCommand } from './lintCommand.js';
import { GATE_WAIT_USAGE, gateWaitCommand } from './gateWaitCommand.js';
import { exportCommand } from './exportCommand.js';
import { rehearseCommand } from './rehearseCommand.js';

const USAGE = `usage: deployday <command>
  lint <file.md...>                         check checklists; prints file:line: problems
  lint --keys <file.md...>                  also list each item's and gate's stable key (and fail on ambiguous ones)
  rehearse <checklist.md> [--at <T-0>] [--tz <zone>] [--idle] [--rollback-at <T+30m>]
                                            simulate the day on a virtual clock, no Slack or PagerDuty
  export <run id> [--format json|md|png|html]
                                            the audit record of a run (reads DATABASE_URL, else DATABASE_PATH); png is
                                            the timeline picture, html the self-contained report page
  gate wait --url <bot url> --token <token> --run <id> --gate <key> [--timeout 2h]
                                            block until the gate is decided in Slack: exit 0 Go,
                                            1 No-Go (reason printed), 2 timeout or run ended`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'lint': {
      const result = lintCommand(args);
      process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
      return result.exitCode;
    }
    case 'rehearse': {
      const result = await rehearseCommand(args, (path) => readFileSync(path, 'utf8'));
      process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
      return result.exitCode;
    }
    case 'export': {
      const result = await exportCommand(args, process.env);
      if (typeof result.output !== 'string') return writeBytes(result.output, result.exitCode);
      process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
      return result.exitCode;
    }
    case 'gate': {
      if (args[0] !== 'wait') {
        process.stderr.write(`${GATE_WAIT_USAGE}\n`);
        return 2;
      }
      return gateWaitCommand(args.slice(1), process.env, {
        fetch,
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        now: () => Date.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`deployday: unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

/** PNG bytes go to stdout as they are (no newline added), finished before the exit code counts. */
function writeBytes(bytes: Buffer, exitCode: number): Promise<number> {
  return new Promise((resolve) => process.stdout.write(bytes, () => resolve(exitCode)));
}

main(process.argv.slice(2)).then(
  // exitCode, not exit(): exit() would cut off output still being written to a pipe.
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`deployday: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
