// `npm run automl -- <command>`: the engine from a terminal. Output is the command's own;
// errors a user can cause print one plain sentence (exit 2), never a stack trace.
import { COMMANDS } from './cli/commands.ts';
import { UserError } from './engine/util/errors.ts';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Augur: build a prediction model from a CSV file, on this computer.',
    '',
    'Usage: npm run automl -- <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "npm run automl -- <command> --help" for a command\'s options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: npm run automl -- ${cmd.usage}\n\n${cmd.summary}\n`);
    return 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`${err.message}${err.suggestion ? ` ${err.suggestion}` : ''}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`Something went wrong inside Augur: ${(err as Error)?.message ?? String(err)}\n`);
      if (process.env.AUGUR_DEBUG) console.error(err);
      process.exitCode = 1;
    }
  },
);
