// `voice-admin`: the operator's command line. Each command group registers itself here.
import { register as registerAudio } from './commands/audio.js';
import { register as registerCalls } from './commands/calls.js';
import { register as registerLeads } from './commands/leads.js';
import { register as registerMaintenance } from './commands/maintenance.js';
import { register as registerUsers } from './commands/users.js';
import { createProgram, runProgram } from './program.js';

const program = createProgram();

registerAudio(program);
registerUsers(program);
registerLeads(program);
registerCalls(program);
registerMaintenance(program);

await runProgram(program, process.argv);
