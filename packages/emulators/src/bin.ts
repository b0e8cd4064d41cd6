// voice-emulators: starts every provider emulator on its port and prints where each listens.
// Ports come from the environment (EMULATOR_<NAME>_PORT; 0 picks a free port); the defaults
// are in the table below. Another emulator is added with one line in `emulators`.
import { pino } from 'pino';
import { startGoogleSpeechEmulator } from './google-speech/server.js';
import { startGoogleTtsEmulator } from './google-tts/server.js';
import { startSarvamEmulator } from './sarvam/server.js';
import { SpeechMatcher } from './speech-match/matcher.js';
import { startOpenAiForBin } from './openai/bin-entry.js';

/** What every emulator entry gets when it starts. */
interface StartContext {
  /** Port from the environment or the entry's default. */
  port: number;
  /** Interface to listen on (env EMULATOR_HOST, default 127.0.0.1). */
  host: string;
  /** The audio matcher, loaded once and shared by every recognizer. */
  matcher: SpeechMatcher;
  /** Lifecycle logger. */
  logger: pino.Logger;
}

/** A started emulator: where it listens and how to stop it. */
interface Started {
  /** Named URLs to print (`url`, `admin`, …). */
  urls: Record<string, string>;
  /** Stops it; idempotent. */
  close(): Promise<void>;
}

/** One emulator the bin starts. */
interface EmulatorEntry {
  /** Name printed and used in the port variable (`EMULATOR_${env}_PORT`). */
  name: string;
  /** Middle of the port variable's name. */
  env: string;
  /** Port when the variable is unset. */
  defaultPort: number;
  /** Starts it. */
  start(context: StartContext): Promise<Started>;
}

const emulators: EmulatorEntry[] = [
  { name: 'google-speech', env: 'GOOGLE_SPEECH', defaultPort: 50051, start: googleSpeech },
  { name: 'google-tts', env: 'GOOGLE_TTS', defaultPort: 50052, start: googleTts },
  { name: 'sarvam', env: 'SARVAM', defaultPort: 8091, start: sarvam },
  { name: 'openai', env: 'OPENAI', defaultPort: 8093, start: startOpenAiForBin },
];

async function googleSpeech(context: StartContext): Promise<Started> {
  const emulator = await startGoogleSpeechEmulator({ ...context, adminPort: 0 });
  const url = `grpc://${emulator.host}:${emulator.port}`;

  return { urls: { url, admin: emulator.adminUrl }, close: emulator.close };
}

async function googleTts(context: StartContext): Promise<Started> {
  const emulator = await startGoogleTtsEmulator({ ...context, adminPort: 0 });
  const url = `grpc://${emulator.host}:${emulator.port}`;

  return { urls: { url, admin: emulator.adminUrl }, close: emulator.close };
}

async function sarvam(context: StartContext): Promise<Started> {
  const emulator = await startSarvamEmulator({ ...context, apiKey: process.env.SARVAM_API_KEY });

  return { urls: { url: emulator.baseUrl, admin: emulator.adminUrl }, close: emulator.close };
}

function portOf(entry: EmulatorEntry): number {
  const name = `EMULATOR_${entry.env}_PORT`;
  const text = process.env[name];
  if (text === undefined || text === '') return entry.defaultPort;

  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${name}: must be a port number 0-65535, got "${text}"`);
  }

  return port;
}

const USAGE = `usage: voice-emulators
Starts every provider emulator; takes no arguments. Ports: EMULATOR_<NAME>_PORT (0 picks a free
one), interface: EMULATOR_HOST (default 127.0.0.1).`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--help' || args[0] === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.length > 0) {
    console.error(`voice-emulators: unknown arguments: ${args.join(' ')}\n${USAGE}`);
    process.exit(2);
  }

  // Logs go to stderr, so stdout holds only the table of where each emulator listens.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  const matcher = await SpeechMatcher.load();
  const started: Started[] = [];

  for (const entry of emulators) {
    const emulator = await entry.start({ port: portOf(entry), host, matcher, logger });
    started.push(emulator);
    const urls = Object.entries(emulator.urls).map(([key, url]) => `${key}=${url}`);
    console.log(`${entry.name.padEnd(14)} ${urls.join('  ')}`);
  }

  const stop = (): void => {
    void Promise.all(started.map((emulator) => emulator.close())).then(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`voice-emulators: ${(error as Error).message}`);
  process.exit(1);
});
