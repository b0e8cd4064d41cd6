// The demo's pure parts: its command line and the per-turn latency table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DemoUsageError, parseDemoArgs } from '../../src/demo/args.js';
import { callerResponses, latencyTable } from '../../src/demo/latency.js';
import type { TimelineEntry } from '../../src/twilio-caller/caller.js';

describe('demo command line', () => {
  it('takes --language, --fail-provider and --script, with or without =', () => {
    const args = parseDemoArgs([
      '--language',
      'hi-IN',
      '--fail-provider=google',
      '--script',
      'x.json',
    ]);

    assert.deepEqual(args, {
      language: 'hi-IN',
      failProvider: 'google',
      script: 'x.json',
      help: false,
    });
    assert.equal(parseDemoArgs([]).language, 'en-IN');
  });

  it('names the option and the rule when a value is bad', () => {
    assert.throws(() => parseDemoArgs(['--fail-provider', 'openai']), {
      name: 'Error',
      message: /--fail-provider: must be google or sarvam/,
    });
    assert.throws(() => parseDemoArgs(['--language', 'hindi']), /--language: must look like hi-IN/);
    assert.throws(() => parseDemoArgs(['--script']), /--script: needs a value/);
    assert.throws(() => parseDemoArgs(['--speed', '2']), DemoUsageError);
  });
});

describe('demo latency table', () => {
  const timeline: TimelineEntry[] = [
    { kind: 'callerAudioStart', atMs: 300 },
    { kind: 'callerAudioStop', atMs: 2240 },
    { kind: 'botAudioStart', atMs: 2860 },
    { kind: 'botAudioStop', atMs: 11_340 },
    { kind: 'callerAudioStart', atMs: 12_240 },
    { kind: 'callerAudioStop', atMs: 14_500 },
    { kind: 'botAudioStart', atMs: 15_340 },
    // A barge-in: the caller starts while the bot speaks; the bot's answer follows the stop.
    { kind: 'callerAudioStart', atMs: 17_360 },
    { kind: 'clearReceived', atMs: 17_720, droppedMs: 100 },
    { kind: 'botAudioStop', atMs: 17_720 },
    { kind: 'callerAudioStop', atMs: 20_120 },
    { kind: 'botAudioStart', atMs: 20_880 },
  ];

  it('measures each answer from the caller’s last word (before the fixture’s 250 ms pad)', () => {
    const answers = callerResponses(timeline).map((response) => response.atCallerMs);

    assert.deepEqual(answers, [2860 - 1990, 15_340 - 14_250, 20_880 - 19_870]);
  });

  it('matches the server’s replies to the caller’s last answers (the opening has none)', () => {
    const server = [
      {
        endpointingMs: 209,
        llmFirstTokenMs: 396,
        ttsFirstByteMs: 46,
        mediaCoreMs: 3.45,
        totalMs: 700,
      },
      {
        endpointingMs: 203,
        llmFirstTokenMs: 360,
        ttsFirstByteMs: 22,
        mediaCoreMs: 5.71,
        totalMs: 605,
      },
    ];
    const lines = latencyTable(server, callerResponses(timeline)).split('\n');

    assert.equal(lines.length, 4);
    assert.match(lines[2] ?? '', /^\s*2\s+209\s+396\s+46\s+3\.5\s+700\s+1090$/);
    assert.match(lines[3] ?? '', /^\s*3\s+203\s+360\s+22\s+5\.7\s+605\s+1010$/);
  });
});
