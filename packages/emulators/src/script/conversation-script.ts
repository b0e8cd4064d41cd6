// Conversation scripts: what a simulated caller says and when, played by the Twilio caller
// emulator against the real media core. The JSON format is documented in fixtures/audio/README.md.
import { readdir, readFile } from 'node:fs/promises';
import type { CallOutcome } from '@voice-agent/media-core/dialogue';
import { join, resolve } from 'node:path';
import {
  FixtureError,
  arrayAt,
  choiceAt,
  integerAt,
  invalid,
  languageAt,
  objectAt,
  onlyKeys,
  parseJson,
  patternAt,
  stringAt,
} from './field-check.js';
import {
  defaultFixturesDir,
  loadFixtureManifest,
  type FixtureManifest,
} from './fixture-manifest.js';

export { FixtureError, type FixtureErrorCode } from './field-check.js';
export * from './fixture-manifest.js';

/** Outcomes a call can end with, as the dialogue policy names them (`CallOutcome`). */
export const CALL_OUTCOMES = [
  'qualified',
  'not_qualified',
  'callback',
  'do_not_call',
  'not_interested',
  'handed_off',
] as const satisfies readonly CallOutcome[];

/** What the caller does in a turn. */
export type TurnAction =
  /** Plays the audio of an utterance fixture. */
  | { kind: 'say'; utteranceId: string }
  /** Presses a key (sent as a Twilio `dtmf` message). */
  | { kind: 'dtmf'; digit: string };

/** When the caller starts a turn. */
export type TurnStart =
  /** `gapMs` after the bot's reply to the previous turn has finished playing (for the first
   * turn: after the bot's greeting). */
  | { kind: 'after-bot'; gapMs: number }
  /** `gapMs` after the caller's previous turn ended, without waiting for the bot. */
  | { kind: 'after-turn'; gapMs: number }
  /** `atMs` after the bot's reply started playing, speaking over it; if the reply is shorter,
   * the turn starts when it ends. */
  | { kind: 'barge-in'; atMs: number };

/** One turn of the caller. */
export interface CallerTurn {
  /** What the caller does. */
  action: TurnAction;
  /** When the caller does it. */
  start: TurnStart;
  /** Free text for readers (what the bot is expected to have asked). */
  note?: string;
}

// Limit: a script says what the caller does, not what the bot must say in reply; tests can
// check the call's outcome (`expectedOutcome`) but not each bot turn from the script alone.
/** A parsed, checked conversation script. */
export interface ConversationScript {
  /** Short name, e.g. `loan-en-IN`. */
  name: string;
  /** What the conversation shows. */
  description: string;
  /** BCP-47 language of the call, e.g. `hi-IN`. */
  language: string;
  /** The caller's turns, in order. */
  turns: CallerTurn[];
  /** How long the caller waits for the bot to start a reply before taking its next turn anyway,
   * in milliseconds. */
  replyTimeoutMs: number;
  /** After the bot's reply to the last turn ends, the caller hangs up this many ms later. */
  hangupAfterMs: number;
  /** The outcome the call should reach (`qualified`, `handoff`, `do-not-call`, `callback`);
   * absent when the script does not assert one. */
  expectedOutcome?: (typeof CALL_OUTCOMES)[number];
}

/** Gap before a turn when the script gives none, in milliseconds: a caller's usual pause. */
export const DEFAULT_GAP_MS = 600;

/** Default of `replyTimeoutMs`. */
export const DEFAULT_REPLY_TIMEOUT_MS = 8000;

/** Default of `hangupAfterMs`. */
export const DEFAULT_HANGUP_AFTER_MS = 1500;

/** Longest gap, barge-in offset or wait a script may ask for, in milliseconds. */
const MAX_WAIT_MS = 60_000;

/** Most turns a script may hold. */
const MAX_TURNS = 200;

/** Twilio's `dtmf` message carries one of 0-9, * and # (Media Streams, inbound `dtmf` event). */
const DTMF_DIGIT = /^[0-9*#]$/;

const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const SCRIPT_KEYS = [
  'name',
  'description',
  'language',
  'turns',
  'replyTimeoutMs',
  'hangupAfterMs',
  'expectedOutcome',
];
const TURN_KEYS = ['say', 'dtmf', 'gapMs', 'after', 'bargeInAtMs', 'note'];

/**
 * Checks a conversation script (a parsed JSON value, or JSON text). With `manifest`, every
 * `say` must name an utterance of that manifest in the script's language. Failures are
 * `FixtureError`s whose `field` is the JSON path at fault (`turns[2].bargeInAtMs`).
 */
export function parseConversationScript(
  json: unknown,
  manifest?: FixtureManifest,
): ConversationScript {
  const doc = objectAt(typeof json === 'string' ? parseJson(json, 'script') : json, '');
  onlyKeys(doc, '', SCRIPT_KEYS);

  const language = languageAt(doc['language'], 'language');
  const turns = arrayAt(doc['turns'], 'turns');
  if (turns.length === 0 || turns.length > MAX_TURNS) {
    invalid('turns', `must hold 1 to ${MAX_TURNS} turns`);
  }

  const script: ConversationScript = {
    name: patternAt(doc['name'], 'name', SCRIPT_NAME, 'must be letters, digits, . _ or -'),
    description: stringAt(doc['description'], 'description'),
    language,
    turns: turns.map((turn, index) => parseTurn(turn, `turns[${index}]`)),
    replyTimeoutMs: optionalInteger(doc, 'replyTimeoutMs', '', DEFAULT_REPLY_TIMEOUT_MS, 100),
    hangupAfterMs: optionalInteger(doc, 'hangupAfterMs', '', DEFAULT_HANGUP_AFTER_MS, 0),
  };
  if (doc['expectedOutcome'] !== undefined) {
    script.expectedOutcome = choiceAt(doc['expectedOutcome'], 'expectedOutcome', [
      ...CALL_OUTCOMES,
    ]);
  }

  if (manifest !== undefined) checkUtterances(script, manifest);

  return script;
}

/** Options of `loadConversationScript`. */
export interface LoadScriptOptions {
  /** The fixtures folder (default: the repository's fixtures/audio). */
  dir?: string;
  /** The manifest to check utterance ids against (default: the one in `dir`). */
  manifest?: FixtureManifest;
}

/**
 * Reads `scripts/NAME.json` of the fixtures folder and checks it against the manifest.
 * `name` may also be a path to a `.json` file anywhere.
 */
export async function loadConversationScript(
  name: string,
  options: LoadScriptOptions = {},
): Promise<ConversationScript> {
  const dir = resolve(options.dir ?? defaultFixturesDir());
  const path = name.endsWith('.json') ? resolve(name) : join(dir, 'scripts', `${name}.json`);
  const manifest = options.manifest ?? (await loadFixtureManifest(dir));

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FixtureError('FIXTURE_NOT_FOUND', '', `cannot read script ${path}`, { cause: error });
  }

  try {
    return parseConversationScript(parseJson(text, path), manifest);
  } catch (error) {
    if (!(error instanceof FixtureError)) throw error;
    throw new FixtureError(error.code, error.field, `${path}: ${error.message}`, { cause: error });
  }
}

/** Names of the scripts in the fixtures folder's `scripts/`, sorted. */
export async function listConversationScripts(dir?: string): Promise<string[]> {
  const files = await readdir(join(resolve(dir ?? defaultFixturesDir()), 'scripts'));

  return files
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Checks one turn: exactly one action, and either a gap or a barge-in point. */
function parseTurn(value: unknown, field: string): CallerTurn {
  const raw = objectAt(value, field);
  onlyKeys(raw, field, TURN_KEYS);

  const turn: CallerTurn = { action: parseAction(raw, field), start: parseStart(raw, field) };
  if (raw['note'] !== undefined) turn.note = stringAt(raw['note'], `${field}.note`);

  return turn;
}

function parseAction(raw: Record<string, unknown>, field: string): TurnAction {
  const hasSay = raw['say'] !== undefined;
  const hasDtmf = raw['dtmf'] !== undefined;
  if (hasSay === hasDtmf) invalid(field, 'must have exactly one of "say" and "dtmf"');

  if (hasSay) return { kind: 'say', utteranceId: stringAt(raw['say'], `${field}.say`) };

  return {
    kind: 'dtmf',
    digit: patternAt(raw['dtmf'], `${field}.dtmf`, DTMF_DIGIT, 'must be one of 0-9, * and #'),
  };
}

function parseStart(raw: Record<string, unknown>, field: string): TurnStart {
  if (raw['bargeInAtMs'] !== undefined) {
    if (raw['gapMs'] !== undefined || raw['after'] !== undefined) {
      invalid(`${field}.bargeInAtMs`, 'cannot be combined with "gapMs" or "after"');
    }

    return {
      kind: 'barge-in',
      atMs: integerAt(raw['bargeInAtMs'], `${field}.bargeInAtMs`, 0, MAX_WAIT_MS),
    };
  }

  const gapMs = optionalInteger(raw, 'gapMs', field, DEFAULT_GAP_MS, 0);
  const after =
    raw['after'] === undefined ? 'bot' : choiceAt(raw['after'], `${field}.after`, ['bot', 'turn']);

  return { kind: after === 'bot' ? 'after-bot' : 'after-turn', gapMs };
}

/** An optional integer field from `min` to MAX_WAIT_MS, or `fallback` when absent. */
function optionalInteger(
  raw: Record<string, unknown>,
  key: string,
  field: string,
  fallback: number,
  min: number,
): number {
  if (raw[key] === undefined) return fallback;

  return integerAt(raw[key], field === '' ? key : `${field}.${key}`, min, MAX_WAIT_MS);
}

/** Every `say` must name an utterance fixture in the script's language. */
function checkUtterances(script: ConversationScript, manifest: FixtureManifest): void {
  script.turns.forEach((turn, index) => {
    if (turn.action.kind !== 'say') return;

    const id = turn.action.utteranceId;
    const entry = manifest.byId.get(id);
    if (entry?.kind !== 'utterance') {
      invalid(`turns[${index}].say`, `"${id}" is not an utterance of the fixture manifest`);
    }
    if (entry.language !== script.language) {
      invalid(
        `turns[${index}].say`,
        `"${id}" must be in the script's language ${script.language}, is ${entry.language}`,
      );
    }
  });
}
