// The OpenAI emulator: `POST /v1/chat/completions` (streamed as server-sent events, or whole),
// `GET /v1/models`, bearer-key auth, OpenAI's error shape, and the admin route for faults.
// Its answers come from a deterministic rule-based loan agent (loan-agent.ts).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { handleAdminRequest } from '../faults/admin-route.js';
import { closeServer, listen, readBody, sendJson } from '../http/plumbing.js';
import { FaultPlan, type AppliedFault } from '../faults/fault-plan.js';
import type { EmulatorFaults } from '../faults/fault-spec.js';
import { httpStatusFor } from '../faults/status-map.js';
import { EmulatorStats } from '../faults/stats.js';
import type { ChatMessage } from './call-state.js';
import {
  chunk,
  completion,
  completionHead,
  openAiError,
  textPieces,
  toolCallDeltas,
  writeEvent,
  type CompletionHead,
} from './chunks.js';
import { decide, type AgentDecision } from './loan-agent.js';

/** How to start the OpenAI emulator. */
export interface OpenAiEmulatorOptions {
  /** HTTP port (default 0: any free port). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  host?: string;
  /** The only key accepted (default: any non-empty bearer key). */
  apiKey?: string;
  /** Wait before the first byte of every answer, in ms (default 0). */
  latencyMs?: number;
  /** Wait between two streamed chunks, in ms (default 0). */
  tokenDelayMs?: number;
  /** Lifecycle logger (default: silent). */
  logger?: Logger;
}

/** A chat-completions request the emulator received. */
export interface RecordedRequest {
  /** The request body as sent (model, messages, tools, stream, …). */
  body: Record<string, unknown>;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

/** A running OpenAI emulator. */
export interface OpenAiEmulator {
  /** The SDK's baseURL: `http://host:port/v1`. */
  baseUrl: string;
  /** `http://host:port`, where `/__admin/` is served. */
  adminUrl: string;
  /** Run-time fault injection. */
  faults: EmulatorFaults;
  /** Every chat-completions request received, oldest first. */
  requests: RecordedRequest[];
  /** Counters (requests, faults applied). */
  stats: EmulatorStats;
  /** Stops the server, ending stalled streams; idempotent. */
  close(): Promise<void>;
}

interface Context {
  faults: FaultPlan;
  stats: EmulatorStats;
  requests: RecordedRequest[];
  apiKey: string | undefined;
  latencyMs: number;
  tokenDelayMs: number;
}

/** A request OpenAI would refuse with 400, naming the parameter. */
class BadRequest extends Error {}

const maxBodyBytes = 4 * 1024 * 1024;

/** What a body over `maxBodyBytes` fails with (an internal error, as OpenAI's gateway gives). */
const bodyTooLarge = (maxBytes: number) => new Error(`body: larger than ${maxBytes} bytes`);

/** Starts the OpenAI emulator. */
export async function startOpenAiEmulator(
  options: OpenAiEmulatorOptions = {},
): Promise<OpenAiEmulator> {
  const context: Context = {
    faults: new FaultPlan(),
    stats: new EmulatorStats(),
    requests: [],
    apiKey: options.apiKey,
    latencyMs: options.latencyMs ?? 0,
    tokenDelayMs: options.tokenDelayMs ?? 0,
  };
  const server = createServer((req, res) => {
    if (handleAdminRequest(req, res, context.faults, context.stats)) return;
    void serve(req, res, context);
  });

  const host = options.host ?? '127.0.0.1';
  const adminUrl = `http://${host}:${await listen(server, options.port ?? 0, host)}`;
  (options.logger ?? pino({ level: 'silent' })).info({ adminUrl }, 'openai emulator started');

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${adminUrl}/v1`,
    adminUrl,
    faults: context.faults,
    requests: context.requests,
    stats: context.stats,
    close: () => (closing ??= closeServer(server)),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, context: Context): Promise<void> {
  const requestId = `req_${randomBytes(16).toString('hex')}`;
  res.setHeader('x-request-id', requestId);
  const route = `${req.method} ${(req.url ?? '').split('?')[0]}`;

  if (!keyAccepted(req, context.apiKey)) {
    return sendJson(res, 401, openAiError(401, 'Incorrect API key provided.'));
  }

  if (route === 'GET /v1/models') {
    const model = { id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'emulator' };
    return sendJson(res, 200, { object: 'list', data: [model] });
  }

  if (route !== 'POST /v1/chat/completions') {
    return sendJson(res, 404, openAiError(404, `Invalid URL (${route})`));
  }

  context.stats.requests += 1;
  const arrivedAt = Date.now();
  const fault = context.faults.take();
  if (!(await passFault(fault, req, res))) return;

  try {
    const body = parseBody(await readBody(req, maxBodyBytes, bodyTooLarge));
    context.requests.push({ body, receivedAt: arrivedAt });
    await answer(body, res, context, stallTime(fault, arrivedAt));
  } catch (error) {
    const status = error instanceof BadRequest ? 400 : 500;
    if (!res.headersSent) sendJson(res, status, openAiError(status, (error as Error).message));
  }
}

/** Applies the request's fault; returns true when the request should be served. */
async function passFault(
  fault: AppliedFault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (fault?.kind === 'auth') {
    sendJson(res, 401, openAiError(401, 'Incorrect API key provided.'));
    return false;
  }

  if (fault?.kind === 'fail') {
    const status = httpStatusFor(fault.code ?? 500);
    sendJson(
      res,
      status,
      openAiError(status, 'The server had an error processing your request (injected fault).'),
    );
    return false;
  }

  // A stall with no delay never answers; one with a delay streams until then (see answer).
  if (fault?.kind === 'stall' && fault.ms === 0) return false;

  if (fault?.kind === 'drop') {
    setTimeout(() => req.socket.destroy(), fault.ms);
    if (fault.ms === 0) return false;
  }

  if (fault?.kind === 'latency') await sleep(fault.ms);
  return true;
}

function stallTime(fault: AppliedFault | undefined, arrivedAt: number): number {
  return fault?.kind === 'stall' ? arrivedAt + fault.ms : Infinity;
}

function keyAccepted(req: IncomingMessage, apiKey: string | undefined): boolean {
  const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!key) return false;

  return apiKey === undefined || key === apiKey;
}

async function answer(
  body: Record<string, unknown>,
  res: ServerResponse,
  context: Context,
  stallAt: number,
): Promise<void> {
  const messages = readMessages(body.messages);
  const toolsAllowed =
    Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
  const decision = decide(messages, toolsAllowed);
  const head = completionHead(body.model as string);

  await sleep(context.latencyMs);
  if (body.stream !== true) {
    const promptChars = messages.reduce((sum, message) => sum + message.content.length, 0);
    return sendJson(res, 200, completion(head, decision.content, decision.toolCalls, promptChars));
  }

  const options = body.stream_options as { include_usage?: unknown } | undefined;
  await streamAnswer(
    res,
    head,
    decision,
    context.tokenDelayMs,
    stallAt,
    options?.include_usage === true,
  );
}

/**
 * Streams the decision as OpenAI does: the role first (content "" when words follow, null for
 * tool calls alone), then the text pieces, then the tool-call deltas; `tool_calls` is the
 * finish reason whenever tools were called, with or without words.
 */
async function streamAnswer(
  res: ServerResponse,
  head: CompletionHead,
  decision: AgentDecision,
  tokenDelayMs: number,
  stallAt: number,
  includeUsage: boolean,
): Promise<void> {
  const usesTools = decision.toolCalls.length > 0;
  const speaks = decision.content !== '';
  const deltas: Record<string, unknown>[] = [
    { role: 'assistant', content: speaks || !usesTools ? '' : null, refusal: null },
    ...textPieces(decision.content).map((text) => ({ content: text })),
    ...toolCallDeltas(decision.toolCalls),
  ];

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  for (const [index, delta] of deltas.entries()) {
    // A stalled stream stays open and silent; the client's time-out (or close()) ends it.
    if (Date.now() >= stallAt) return;
    if (res.destroyed) return;

    writeEvent(res, chunk(head, delta));
    if (index > 0) await sleep(tokenDelayMs);
  }

  writeEvent(res, chunk(head, {}, usesTools ? 'tool_calls' : 'stop'));
  if (includeUsage) {
    const tokens = deltas.length;
    const usage = { prompt_tokens: 0, completion_tokens: tokens, total_tokens: tokens };
    writeEvent(res, { ...head, object: 'chat.completion.chunk', choices: [], usage });
  }
  writeEvent(res, '[DONE]');
  res.end();
}

function parseBody(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequest('We could not parse the JSON body of your request.');
  }

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('body: must be a JSON object');
  }

  const record = body as Record<string, unknown>;
  if (typeof record.model !== 'string' || record.model === '') {
    throw new BadRequest('model: you must provide a model parameter');
  }
  if (!Array.isArray(record.messages) || record.messages.length === 0) {
    throw new BadRequest('messages: must be a non-empty array');
  }

  return record;
}

/** Reads the messages, checking each has a known role. */
function readMessages(value: unknown): ChatMessage[] {
  return (value as unknown[]).map((item, index) => {
    const message = (item ?? {}) as Record<string, unknown>;
    const role = message.role;
    if (
      typeof role !== 'string' ||
      !['system', 'developer', 'user', 'assistant', 'tool'].includes(role)
    ) {
      throw new BadRequest(
        `messages[${index}].role: must be system, developer, user, assistant or tool`,
      );
    }

    return {
      role: role === 'developer' ? 'system' : role,
      content: textOf(message.content),
      toolCalls: toolCallsOf(message),
    };
  });
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;

  if (!Array.isArray(content)) return '';

  return content.map((part) => ((part as { text?: unknown }).text ?? '') as string).join('');
}

function toolCallsOf(message: Record<string, unknown>): ChatMessage['toolCalls'] {
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];

  return calls.map((call) => {
    const item = call as { id?: string; function?: { name?: string; arguments?: string } };
    return {
      id: item.id ?? '',
      name: item.function?.name ?? '',
      arguments: item.function?.arguments ?? '',
    };
  });
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
