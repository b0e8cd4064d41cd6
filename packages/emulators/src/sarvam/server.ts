// The Sarvam AI REST emulator: POST /speech-to-text (multipart) and POST /text-to-speech (JSON)
// behind the `api-subscription-key` header, plus the admin route for fault injection.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { handleAdminRequest } from '../faults/admin-route.js';
import { closeServer, listen, readBody, sendJson } from '../http/plumbing.js';
import { FaultPlan, type AppliedFault } from '../faults/fault-plan.js';
import type { EmulatorFaults } from '../faults/fault-spec.js';
import { httpStatusFor } from '../faults/status-map.js';
import { EmulatorStats } from '../faults/stats.js';
import { SpeechMatcher } from '../speech-match/matcher.js';
import { SarvamRequestError, sendSarvamError } from './errors.js';
import { speechToText, type SttForm } from './speech-to-text.js';
import { textToSpeech } from './text-to-speech.js';

// Limit: only the REST endpoints are emulated; the streaming WebSocket STT/TTS endpoints
// answer 404, so a WebSocket client cannot be tested against this emulator.
/** How to start the Sarvam emulator. */
export interface SarvamEmulatorOptions {
  /** HTTP port (default 0: any free port). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
  /** The only key accepted (default: any non-empty key). */
  apiKey?: string;
  /** Fixture folder holding manifest.json (default: the repository's fixtures/audio). */
  fixturesDir?: string;
  /** A matcher already loaded (shared between emulators); overrides fixturesDir. */
  matcher?: SpeechMatcher;
  /** Silence that ends an utterance inside one upload, in ms of audio (default 600). */
  endpointingMs?: number;
  /** Lifecycle logger (default: silent). */
  logger?: Logger;
}

/** A running Sarvam emulator. */
export interface SarvamEmulator {
  /** `http://host:port`, the client's base URL. */
  baseUrl: string;
  /** Run-time fault injection. */
  faults: EmulatorFaults;
  /** Base URL of the admin route (the same server). */
  adminUrl: string;
  /** What the emulator has seen. */
  stats: EmulatorStats;
  /** Stops the server, ending stalled requests; idempotent. */
  close(): Promise<void>;
}

/** Largest request body accepted, in bytes (30 s of 48 kHz PCM16 stereo fits). */
const maxBodyBytes = 8 * 1024 * 1024;

/** What a body over `maxBodyBytes` fails with (answered as an internal error). */
const bodyTooLarge = (maxBytes: number) => new Error(`body: larger than ${maxBytes} bytes`);

interface Context {
  matcher: SpeechMatcher;
  faults: FaultPlan;
  stats: EmulatorStats;
  apiKey: string | undefined;
  endpointingMs: number;
}

/** Starts the Sarvam emulator. */
export async function startSarvamEmulator(
  options: SarvamEmulatorOptions = {},
): Promise<SarvamEmulator> {
  const context: Context = {
    matcher: options.matcher ?? (await SpeechMatcher.load(options.fixturesDir)),
    faults: new FaultPlan(),
    stats: new EmulatorStats(),
    apiKey: options.apiKey,
    endpointingMs: options.endpointingMs ?? 600,
  };
  const server = createServer((req, res) => {
    if (handleAdminRequest(req, res, context.faults, context.stats)) return;
    void serve(req, res, context);
  });

  const host = options.host ?? '127.0.0.1';
  const baseUrl = `http://${host}:${await listen(server, options.port ?? 0, host)}`;
  (options.logger ?? pino({ level: 'silent' })).info({ baseUrl }, 'sarvam emulator started');

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    faults: context.faults,
    adminUrl: baseUrl,
    stats: context.stats,
    close: () => (closing ??= closeServer(server)),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, context: Context): Promise<void> {
  const requestId = randomUUID();
  const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;
  if (route !== 'POST /speech-to-text' && route !== 'POST /text-to-speech') {
    return sendSarvamError(res, 404, `no route ${route}`, requestId);
  }

  context.stats.requests += 1;
  const fault = context.faults.take();
  if (!(await passFault(fault, req, res, context, requestId))) return;

  try {
    const body = await readBody(req, maxBodyBytes, bodyTooLarge);
    const answer =
      route === 'POST /speech-to-text'
        ? await recognizeUpload(req, body, context)
        : textToSpeech(parseJson(body));
    sendJson(res, 200, { request_id: requestId, ...answer });
  } catch (error) {
    const known = error instanceof SarvamRequestError;
    const message = known ? error.message : 'internal error in the emulator';
    sendSarvamError(res, known ? error.status : 500, message, requestId);
  }
}

/** Applies the request's fault; returns true when the request should be served. */
async function passFault(
  fault: AppliedFault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  context: Context,
  requestId: string,
): Promise<boolean> {
  if (fault?.kind === 'auth' || !keyAccepted(req, context.apiKey)) {
    sendSarvamError(res, 403, 'Invalid API key or subscription key', requestId);
    return false;
  }

  if (fault?.kind === 'fail') {
    sendSarvamError(
      res,
      httpStatusFor(fault.code),
      'emulated provider failure (injected fault)',
      requestId,
    );
    return false;
  }

  // A stalled request is never answered; the client's timeout (or close()) ends it.
  if (fault?.kind === 'stall') return false;
  if (fault?.kind === 'drop') {
    setTimeout(() => req.socket.destroy(), fault.ms);
    return false;
  }

  if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
  return true;
}

function keyAccepted(req: IncomingMessage, apiKey: string | undefined): boolean {
  const key = req.headers['api-subscription-key'];
  if (typeof key !== 'string' || key === '') return false;

  return apiKey === undefined || key === apiKey;
}

async function recognizeUpload(
  req: IncomingMessage,
  body: Buffer,
  context: Context,
): Promise<Record<string, unknown>> {
  const form = await parseForm(req, body);
  const answer = speechToText(form, context.matcher, context.endpointingMs);
  context.stats.audioBytes += answer.audioBytes;

  return { transcript: answer.transcript, language_code: answer.language_code };
}

/** Parses multipart/form-data with the platform's own parser (the fetch Request's formData). */
async function parseForm(req: IncomingMessage, body: Buffer): Promise<SttForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new SarvamRequestError(400, 'content-type: must be multipart/form-data');
  }

  let form: FormData;
  try {
    form = await new Request('http://sarvam.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    throw new SarvamRequestError(400, 'body: not a readable multipart form');
  }

  const file = form.get('file');
  return {
    file: file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : undefined,
    model: stringField(form, 'model'),
    languageCode: stringField(form, 'language_code'),
  };
}

function stringField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SarvamRequestError(400, 'body: not valid JSON');
  }
}
