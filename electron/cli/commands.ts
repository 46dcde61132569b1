import type { CliCommand } from './types.ts';
import { doctorCommand } from './doctor.ts';

// Register new commands here, one import each.
export const COMMANDS: CliCommand[] = [doctorCommand];
