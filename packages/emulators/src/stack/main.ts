// `npm start`: the stack for real use on whatever the environment configures. The control API
// and the media core always run; emulators stand in only for providers without credentials
// (said once, here); SIGINT/SIGTERM stop everything, the media core draining first.
import { loadConversationScript, loadFixtureManifest } from '../script/conversation-script.js';
import { startLocalStack } from './local-stack.js';
import { ScriptedCallee } from './scripted-callee.js';
import { PROVIDERS, providersWithoutCredentials } from './stack-env.js';

/** What an emulated Twilio callee says when `npm start` runs without Twilio credentials. */
const CALLEE_SCRIPT = process.env.EMULATED_CALLEE_SCRIPT ?? 'loan-en-IN';

async function main(): Promise<void> {
  const emulated = providersWithoutCredentials(process.env);
  const manifest = await loadFixtureManifest();
  const script = await loadConversationScript(CALLEE_SCRIPT, { manifest });
  const callee = new ScriptedCallee({ script, manifest });
  const stack = await startLocalStack({
    isolated: false,
    handleSignals: true,
    onStream: callee.onStream,
  });
  callee.authToken = stack.secrets.authToken;

  stack.on('serviceExit', (name, code, logPath) => {
    console.error(`${name} exited unexpectedly (code ${String(code)}); log: ${logPath}`);
    void stack.close().finally(() => process.exit(1));
  });
  printSummary(stack.controlApiUrl, stack.mediaUrl, stack.logsDir, emulated);
}

function printSummary(apiUrl: string, mediaUrl: string, logsDir: string, emulated: string[]) {
  const real = PROVIDERS.filter((provider) => !emulated.includes(provider));
  console.log(`control API  ${apiUrl}   (docs: ${apiUrl}/docs)`);
  console.log(`media core   ${mediaUrl}`);
  console.log(`logs         ${logsDir}`);
  console.log(`emulated     ${emulated.join(', ') || 'nothing'}`);
  console.log(`real         ${real.join(', ') || 'nothing'}`);
  if (emulated.includes('twilio')) {
    console.log(
      `calls placed through the API are answered by a simulated callee (${CALLEE_SCRIPT})`,
    );
  }
  console.log(
    'first admin: npx voice-admin users create --username U --role admin --password-stdin',
  );
  console.log('Ctrl-C stops everything');
}

main().catch((error: unknown) => {
  console.error(`npm start: ${(error as Error).message}`);
  process.exit(1);
});
