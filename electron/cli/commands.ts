import type { CliCommand } from './types.ts';
import { doctorCommand } from './doctor.ts';
import { evaluateCommand } from './evaluate.ts';
import { exportWebCommand } from './export-web.ts';
import { inspectCommand } from './inspect.ts';
import { shrinkCommand } from './shrink.ts';
import { trainCommand } from './train.ts';

// Register new commands here, one import each.

export const COMMANDS: CliCommand[] = [inspectCommand, trainCommand, evaluateCommand, shrinkCommand, exportWebCommand, doctorCommand];
