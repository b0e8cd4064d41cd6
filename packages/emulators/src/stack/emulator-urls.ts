// Reads the table `voice-emulators` prints on stdout (one line per emulator:
// `NAME  url=…  admin=…`) into URLs the media core's environment takes.
import type { EmulatorUrls, Provider } from './stack-env.js';

/** Each emulator's printed URLs by key (`url`, `admin`), by emulator name. */
export type EmulatorTable = Record<string, Record<string, string>>;

/** The emulators the bin must have printed before a provider counts as up, per provider. */
export const EMULATORS_OF: Record<Exclude<Provider, 'twilio'>, string[]> = {
  google: ['google-speech', 'google-tts'],
  sarvam: ['sarvam'],
  openai: ['openai'],
};

/** Middle of each emulator's port variable (`EMULATOR_<env>_PORT`), by emulator name. */
export const PORT_VARIABLE_OF: Record<string, string> = {
  'google-speech': 'GOOGLE_SPEECH',
  'google-tts': 'GOOGLE_TTS',
  sarvam: 'SARVAM',
  openai: 'OPENAI',
};

/** Parses the printed lines; lines that are not `name key=url…` are skipped. */
export function parseEmulatorTable(lines: readonly string[]): EmulatorTable {
  const table: EmulatorTable = {};
  for (const line of lines) {
    const [name, ...fields] = line.trim().split(/\s+/);
    const pairs = fields.map((field) => /^([a-z]+)=(\S+)$/.exec(field)).filter((m) => m !== null);
    if (name === undefined || pairs.length === 0) continue;

    table[name] = Object.fromEntries(pairs.map((match) => [match[1], match[2]]));
  }

  return table;
}

/** The URLs the media core needs, for the emulators the table holds. */
export function emulatorUrls(table: EmulatorTable): EmulatorUrls {
  const urls: EmulatorUrls = {};
  const googleSpeech = table['google-speech']?.['url'];
  const googleTts = table['google-tts']?.['url'];
  const sarvam = table['sarvam']?.['url'];
  const openai = table['openai']?.['url'];

  // gRPC clients take `host:port`; the bin prints grpc://host:port.
  if (googleSpeech !== undefined) urls.googleSpeech = googleSpeech.replace(/^grpc:\/\//, '');
  if (googleTts !== undefined) urls.googleTts = googleTts.replace(/^grpc:\/\//, '');
  if (sarvam !== undefined) urls.sarvam = sarvam;
  if (openai !== undefined) urls.openai = openai.replace(/\/+$/, '').replace(/(?<!\/v1)$/, '/v1');

  return urls;
}
