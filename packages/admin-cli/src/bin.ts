// `voice-admin`: the operator's command line. Each command group registers itself here.
import { register as registerAudio } from './commands/audio.js';
import { createProgram, runProgram } from './program.js';

const program = createProgram();

registerAudio(program);

await runProgram(program, process.argv);
