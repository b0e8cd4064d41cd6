// Conversation scripts: the committed ones parse and name existing utterances; bad ones fail
// with an error that names the field and the rule.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  DEFAULT_GAP_MS,
  DEFAULT_HANGUP_AFTER_MS,
  DEFAULT_REPLY_TIMEOUT_MS,
  FixtureError,
  listConversationScripts,
  loadConversationScript,
  loadFixtureManifest,
  parseConversationScript,
  parseFixtureManifest,
  type FixtureManifest,
} from '../../src/script/conversation-script.js';

/** A valid script to break one field at a time. */
function validScript(): Record<string, unknown> {
  return {
    name: 'sample',
    description: 'A caller consents, then presses 0.',
    language: 'en-IN',
    turns: [{ say: 'en-IN.consent' }, { dtmf: '0', gapMs: 200, after: 'turn' }],
  };
}

/** Asserts that `run` fails with FIXTURE_INVALID on `field`, with a message matching `rule`. */
function assertRejects(run: () => unknown, field: string, rule: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof FixtureError, String(error));
    assert.equal(error.code, 'FIXTURE_INVALID');
    assert.equal(error.field, field);
    assert.match(error.message, rule);
    assert.ok(error.message.startsWith(field), 'the message names the field first');

    return true;
  });
}

describe('committed conversation scripts', () => {
  let manifest: FixtureManifest;

  before(async () => {
    manifest = await loadFixtureManifest();
  });

  it('are the five the emulators and tests play', async () => {
    assert.deepEqual(await listConversationScripts(), [
      'do-not-call-en-IN',
      'handoff-dtmf',
      'loan-en-IN',
      'loan-hi-IN',
      'loan-ta-IN',
    ]);
  });

  it('parse, carry their file name, and only name utterances of the manifest', async () => {
    for (const name of await listConversationScripts()) {
      const script = await loadConversationScript(name, { manifest });

      assert.equal(script.name, name);
      for (const turn of script.turns) {
        if (turn.action.kind !== 'say') continue;
        const entry = manifest.byId.get(turn.action.utteranceId);
        assert.equal(entry?.kind, 'utterance', `${name}: ${turn.action.utteranceId}`);
      }
    }
  });

  it('hold the scenarios their names promise', async () => {
    const loan = await loadConversationScript('loan-en-IN', { manifest });
    const handoff = await loadConversationScript('handoff-dtmf', { manifest });
    const refusal = await loadConversationScript('do-not-call-en-IN', { manifest });

    const bargeIns = loan.turns.filter((turn) => turn.start.kind === 'barge-in');
    assert.equal(bargeIns.length, 1, 'the qualifying call has one barge-in');
    assert.equal(loan.expectedOutcome, 'qualified');
    assert.deepEqual(handoff.turns.at(-1)?.action, { kind: 'dtmf', digit: '0' });
    assert.deepEqual(refusal.turns.at(-1)?.action, {
      kind: 'say',
      utteranceId: 'en-IN.do-not-call',
    });
  });
});

describe('parseConversationScript', () => {
  it('fills the defaults and normalises each turn', () => {
    const script = parseConversationScript(validScript());

    assert.deepEqual(script.turns, [
      {
        action: { kind: 'say', utteranceId: 'en-IN.consent' },
        start: { kind: 'after-bot', gapMs: DEFAULT_GAP_MS },
      },
      { action: { kind: 'dtmf', digit: '0' }, start: { kind: 'after-turn', gapMs: 200 } },
    ]);
    assert.equal(script.replyTimeoutMs, DEFAULT_REPLY_TIMEOUT_MS);
    assert.equal(script.hangupAfterMs, DEFAULT_HANGUP_AFTER_MS);
    assert.equal(script.expectedOutcome, undefined);
  });

  it('reads a barge-in point', () => {
    const doc = validScript();
    doc['turns'] = [{ say: 'en-IN.amount', bargeInAtMs: 1500 }];

    const [turn] = parseConversationScript(doc).turns;

    assert.deepEqual(turn?.start, { kind: 'barge-in', atMs: 1500 });
  });

  it('accepts JSON text and rejects text that is not JSON', () => {
    assert.equal(parseConversationScript(JSON.stringify(validScript())).name, 'sample');
    assertRejects(() => parseConversationScript('{"name": '), '', /not valid JSON/);
  });

  const broken: [string, (doc: Record<string, unknown>) => void, string, RegExp][] = [
    ['no language', (doc) => delete doc['language'], 'language', /is required/],
    ['a bad language', (doc) => (doc['language'] = 'english'), 'language', /like "hi-IN"/],
    ['no turns', (doc) => (doc['turns'] = []), 'turns', /1 to 200 turns/],
    ['turns not a list', (doc) => (doc['turns'] = {}), 'turns', /must be an array/],
    ['a misspelt key', (doc) => (doc['turn'] = []), 'turn', /not a known field/],
    [
      'a misspelt turn key',
      (doc) => (doc['turns'] = [{ say: 'en-IN.consent', gapMS: 10 }]),
      'turns[0].gapMS',
      /not a known field/,
    ],
    [
      'both say and dtmf',
      (doc) => (doc['turns'] = [{ say: 'en-IN.consent', dtmf: '1' }]),
      'turns[0]',
      /exactly one of "say" and "dtmf"/,
    ],
    [
      'neither say nor dtmf',
      (doc) => (doc['turns'] = [{ gapMs: 10 }]),
      'turns[0]',
      /exactly one of/,
    ],
    [
      'two digits at once',
      (doc) => (doc['turns'] = [{ dtmf: '12' }]),
      'turns[0].dtmf',
      /one of 0-9, \* and #/,
    ],
    [
      'a negative gap',
      (doc) => (doc['turns'] = [{ say: 'x', gapMs: -5 }]),
      'turns[0].gapMs',
      /integer from 0 to 60000/,
    ],
    [
      'a fractional barge-in',
      (doc) => (doc['turns'] = [{ say: 'x', bargeInAtMs: 1.5 }]),
      'turns[0].bargeInAtMs',
      /integer from 0 to 60000/,
    ],
    [
      'a barge-in with a gap',
      (doc) => (doc['turns'] = [{ say: 'x', bargeInAtMs: 100, gapMs: 5 }]),
      'turns[0].bargeInAtMs',
      /cannot be combined/,
    ],
    [
      'an unknown anchor',
      (doc) => (doc['turns'] = [{ say: 'x', after: 'caller' }]),
      'turns[0].after',
      /one of "bot", "turn"/,
    ],
    ['a zero hang-up wait', (doc) => (doc['hangupAfterMs'] = -1), 'hangupAfterMs', /from 0/],
  ];

  for (const [what, breakIt, field, rule] of broken) {
    it(`rejects ${what}, naming ${field || 'the document'}`, () => {
      const doc = validScript();
      breakIt(doc);

      assertRejects(() => parseConversationScript(doc), field, rule);
    });
  }

  it('checks utterance ids and their language against a manifest', async () => {
    const manifest = await loadFixtureManifest();
    const unknown = { ...validScript(), turns: [{ say: 'en-IN.sing-a-song' }] };
    const foreign = { ...validScript(), turns: [{ say: 'hi-IN.consent' }] };

    assertRejects(() => parseConversationScript(unknown, manifest), 'turns[0].say', /not an utt/);
    assertRejects(
      () => parseConversationScript(foreign, manifest),
      'turns[0].say',
      /script's language en-IN, is hi-IN/,
    );
  });
});

describe('loadFixtureManifest', () => {
  it('reads the manifest of another folder when given one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixtures-'));
    const doc = {
      version: 1,
      entries: [{ id: 'quiet', kind: 'silence', file: 'quiet.wav', durationMs: 100 }],
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(doc));

    try {
      const manifest = await loadFixtureManifest(dir);

      assert.equal(manifest.dir, dir);
      assert.deepEqual(manifest.entries, doc.entries);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with FIXTURE_NOT_FOUND for a folder without a manifest', async () => {
    await assert.rejects(loadFixtureManifest(join(tmpdir(), 'no-such-fixtures')), {
      code: 'FIXTURE_NOT_FOUND',
    });
  });

  it('rejects duplicate ids and long-call segments that name no utterance', () => {
    const silence = { id: 'a', kind: 'silence', file: 'a.wav', durationMs: 10 };
    const call = {
      id: 'call',
      kind: 'long-call',
      language: 'en-IN',
      file: 'call.wav',
      durationMs: 100,
      segments: [{ utteranceId: 'a', startMs: 0, endMs: 10 }],
    };

    assertRejects(
      () => parseFixtureManifest({ version: 1, entries: [silence, silence] }, '.'),
      'entries[1].id',
      /used twice/,
    );
    assertRejects(
      () => parseFixtureManifest({ version: 1, entries: [silence, call] }, '.'),
      'entries[1].segments[0].utteranceId',
      /must name an utterance/,
    );
    assertRejects(
      () => parseFixtureManifest({ version: 1, entries: [{ ...silence, kind: 'music' }] }, '.'),
      'entries[0].kind',
      /one of "utterance"/,
    );
  });
});
