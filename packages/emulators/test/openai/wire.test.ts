import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startOpenAiEmulator, type OpenAiEmulator } from '../../src/openai/server.js';

const system = [
  'You are a loan agent.',
  '## Call state',
  'language: en-IN (English (India))',
  'now: 2025-06-01T10:00:00+05:30',
  'lead_name: Rahul Sharma',
  'facts: {"name_confirmed":true,"consent":true}',
  'order: name_confirmed, consent, loan_type, amount_inr, monthly_income_inr, employment_type, city, existing_emi_inr, details_confirmed',
  'next: ask loan_type',
].join('\n');

const tools = [
  { type: 'function', function: { name: 'record_fact', parameters: { type: 'object' } } },
];

/** Token counts. */
interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A streamed tool-call piece. */
interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

/** A `chat.completion.chunk` as the tests read it. */
interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  // One choice per chunk (a usage chunk has none, which the tests check apart).
  choices: [
    {
      index: number;
      delta: { role?: string; content?: string | null; tool_calls?: ToolCallDelta[] };
      finish_reason: string | null;
    },
  ];
  usage?: Usage;
}

/** Reads an SSE body into its `data:` payloads, in order. */
async function events(response: Response): Promise<string[]> {
  const text = await response.text();
  assert.ok(text.endsWith('\n\n'), 'every event ends with a blank line');

  return text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => {
      assert.match(event, /^data: /);
      return event.slice('data: '.length);
    });
}

describe('openai emulator: wire format', () => {
  let emulator: OpenAiEmulator;
  const post = (body: unknown, key = 'sk-test', path = '/chat/completions'): Promise<Response> =>
    fetch(`${emulator.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    emulator = await startOpenAiEmulator({ apiKey: 'sk-test' });
  });
  beforeEach(() => emulator.faults.clear());
  after(() => emulator.close());

  it('streams the words, then the tool calls, as chat.completion.chunk events ending in data: [DONE]', async () => {
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'I need a home loan.' },
    ];
    const response = await post({ model: 'gpt-4o-mini', stream: true, messages, tools });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);

    const data = await events(response);
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as Chunk);
    for (const chunk of chunks) {
      assert.deepEqual(Object.keys(chunk).sort(), [
        'choices',
        'created',
        'id',
        'model',
        'object',
        'system_fingerprint',
      ]);
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.id, chunks[0]?.id);
      assert.match(chunk.id, /^chatcmpl-/);
      assert.ok(Number.isInteger(chunk.created));
      assert.equal(chunk.model, 'gpt-4o-mini');
      assert.equal(chunk.choices[0].index, 0);
    }

    assert.deepEqual(chunks[0]?.choices[0].delta, {
      role: 'assistant',
      content: '',
      refusal: null,
    });
    const firstCall = chunks.findIndex((chunk) => chunk.choices[0].delta.tool_calls);
    const lastWord = chunks.findLastIndex((chunk) => chunk.choices[0].delta.content);
    assert.ok(lastWord > 1 && firstCall > lastWord, 'every word comes before the tool calls');

    const text = chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('');
    assert.match(text, /home loan is a good choice.*How much would you like to borrow\?$/);

    const opening = chunks[firstCall]?.choices[0].delta.tool_calls?.[0];
    assert.ok(opening);
    assert.equal(opening.index, 0);
    assert.match(opening.id ?? '', /^call_/);
    assert.equal(opening.type, 'function');
    assert.deepEqual(opening.function, { name: 'record_fact', arguments: '' });

    const args = chunks
      .flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? [])
      .map((call: { function: { arguments: string } }) => call.function.arguments)
      .join('');
    assert.deepEqual(JSON.parse(args), { name: 'loan_type', value: 'home' });
    assert.equal(chunks.at(-1)?.choices[0].finish_reason, 'tool_calls');
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.choices[0].finish_reason === null));
  });

  it('calls the tool without words when the outcome is not its to know (read-back confirmed)', async () => {
    const facts = {
      name_confirmed: true,
      consent: true,
      loan_type: 'home',
      amount_inr: 2_500_000,
      monthly_income_inr: 80_000,
      employment_type: 'salaried',
      city: 'Pune',
      existing_emi_inr: 12_000,
    };
    const confirming = system
      .replace(/^facts: .*$/m, `facts: ${JSON.stringify(facts)}`)
      .replace(/^next: .*$/m, 'next: confirm');
    const messages = [
      { role: 'system', content: confirming },
      { role: 'user', content: 'Yes, that is correct.' },
    ];
    const chunks = (await events(await post({ model: 'm', stream: true, messages, tools })))
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Chunk);

    assert.equal(chunks[0]?.choices[0].delta.content, null);
    assert.ok(chunks.every((chunk) => !chunk.choices[0].delta.content));
    const args = chunks
      .flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? [])
      .map((call) => call.function.arguments)
      .join('');
    assert.deepEqual(JSON.parse(args), { name: 'details_confirmed', value: true });
    assert.equal(chunks.at(-1)?.choices[0].finish_reason, 'tool_calls');
  });

  it('answers words and tool calls in one whole message when not streaming', async () => {
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'I need a home loan.' },
    ];
    const response = await post({ model: 'm', messages, tools });
    const body = (await response.json()) as {
      choices: [
        {
          finish_reason: string;
          message: { content: string | null; tool_calls?: { function: { name: string } }[] };
        },
      ];
    };

    const [choice] = body.choices;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.match(choice.message.content ?? '', /How much would you like to borrow\?$/);
    assert.deepEqual(
      choice.message.tool_calls?.map((call) => call.function.name),
      ['record_fact'],
    );
  });

  it('after a tool result streams the next question word by word, with usage when asked', async () => {
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'I need a home loan.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'record_fact', arguments: '{}' } },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_1',
        content: '{"ok":true,"next":{"action":"ask","fact":"amount_inr"}}',
      },
    ];
    const body = {
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      messages,
      tools,
    };
    const chunks = (await events(await post(body)))
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Chunk);

    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '');
    const text = pieces.join('');
    assert.match(text, /How much would you like to borrow\?$/);
    assert.ok(pieces.filter(Boolean).length > 5, 'the text arrives in many pieces');
    assert.equal(chunks.at(-2)?.choices[0].finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1)?.choices, []);
    assert.ok((chunks.at(-1)?.usage?.completion_tokens ?? 0) > 0);
  });

  it('answers whole when not streaming', async () => {
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'Hello?' },
    ];
    const response = await post({ model: 'm', messages, tools });
    const body = (await response.json()) as {
      object: string;
      choices: [{ finish_reason: string; message: { content: string } }];
      usage: Usage;
    };

    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.match(body.choices[0].message.content, /What kind of loan/);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("refuses a wrong key, bad JSON, a missing model and unknown routes in OpenAI's error shape", async () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const cases: [Promise<Response>, number, RegExp, string | null][] = [
      [post({ model: 'm', messages }, 'sk-wrong'), 401, /API key/, 'invalid_api_key'],
      [post('{not json'), 400, /parse the JSON/, null],
      [post({ messages }), 400, /^model: /, null],
      [
        post({ model: 'm', messages: [{ role: 'robot', content: 'x' }] }),
        400,
        /^messages\[0\]\.role: /,
        null,
      ],
      [post({ model: 'm', messages }, 'sk-test', '/embeddings'), 404, /Invalid URL/, 'unknown_url'],
    ];

    for (const [pending, status, message, code] of cases) {
      const response = await pending;
      const body = (await response.json()) as { error: Record<string, unknown> };
      assert.equal(response.status, status);
      assert.match(String(body.error.message), message);
      assert.equal(body.error.code, code);
      assert.equal(typeof body.error.type, 'string');
    }
  });

  it('applies faults posted to the admin route: a 429, then a delay', async () => {
    const admin = (fault: unknown): Promise<Response> =>
      fetch(`${emulator.adminUrl}/__admin/faults`, { method: 'POST', body: JSON.stringify(fault) });
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'Hello?' },
    ];

    assert.equal((await admin({ kind: 'fail', code: 429 })).status, 204);
    assert.equal((await admin({ kind: 'latency', ms: 150 })).status, 204);
    assert.equal((await admin({ kind: 'melt' })).status, 400);

    const limited = await post({ model: 'm', messages });
    const body = (await limited.json()) as { error: Record<string, unknown> };
    assert.equal(limited.status, 429);
    assert.deepEqual([body.error.type, body.error.code], ['requests', 'rate_limit_exceeded']);

    const started = performance.now();
    assert.equal((await post({ model: 'm', messages })).status, 200);
    assert.ok(performance.now() - started >= 140);
  });

  it('spaces streamed chunks by tokenDelayMs', async () => {
    const slow = await startOpenAiEmulator({ tokenDelayMs: 25 });
    try {
      const messages = [
        { role: 'system', content: system },
        { role: 'user', content: 'Hello?' },
      ];
      const started = performance.now();
      const response = await fetch(`${slow.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer any' },
        body: JSON.stringify({ model: 'm', stream: true, messages }),
      });
      const pieces = (await events(response)).length - 3;

      assert.ok(performance.now() - started >= pieces * 25 * 0.8, `${pieces} pieces at 25 ms`);
      assert.equal(slow.requests.length, 1);
    } finally {
      await slow.close();
    }
  });
});
