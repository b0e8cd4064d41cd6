// `npm run demo`: the whole stack on emulators and one simulated loan call (see run-demo.ts).
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from './args.js';
import { runDemo } from './run-demo.js';

async function main(): Promise<number> {
  const args = parseDemoArgs(process.argv.slice(2));
  if (args.help) {
    console.log(DEMO_USAGE);

    return 0;
  }

  return runDemo(args, (line) => console.log(line));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof DemoUsageError ? `\n${DEMO_USAGE}` : '';
    const code = (error as { code?: string }).code;
    console.error(`\nFAILED: ${(error as Error).message}${code ? ` [${code}]` : ''}${usage}`);
    process.exit(1);
  },
);
