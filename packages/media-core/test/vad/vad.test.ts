// Voice activity on the fixtures: speech is found in every utterance, clean or over line noise,
// never in silence, in line noise up to -30 dBFS, nor in a cough shorter than the minimum speech
// duration; the speech gate, the noise floor and the VAD state behave as the DSP workers rely on.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { decodeMuLaw } from '../../src/audio/index.js';
import {
  advanceNoiseFloor,
  advanceSpeechGate,
  DEFAULT_VAD_OPTIONS,
  frameEnergyDb,
  initialNoiseFloorState,
  initialSpeechGateState,
  judgeFrame,
  NOISE_FLOOR_WINDOW_MS,
  NOISE_FLOOR_WINDOWS,
  noiseFloorDb,
  resolveVadOptions,
  SILENCE_FLOOR_DB,
  type NoiseFloorState,
} from '../../src/audio/vad.js';
import { FVAD_STATE_BYTES, WebRtcVad } from '../../src/dsp/webrtc-vad.js';
import { fixtureEntries, fixtureMuLaw, mixMuLaw, type FixtureEntry } from './fixture-audio.js';
import { runVad, share } from './vad-run.js';

const entries = fixtureEntries().filter((entry) => entry.kind !== 'long-call');
const byKind = (kind: string): FixtureEntry[] => entries.filter((entry) => entry.kind === kind);
const byId = (id: string): FixtureEntry => {
  const entry = entries.find((candidate) => candidate.id === id);
  assert.ok(entry, `fixture ${id} is in the manifest`);
  return entry;
};

describe('VAD on the audio fixtures (default options)', () => {
  let vad: WebRtcVad;
  before(async () => {
    vad = await WebRtcVad.load();
  });

  it('finds speech in every utterance, within 600 ms of its start', (t) => {
    const utterances = byKind('utterance');
    assert.ok(utterances.length >= 10, 'the manifest holds utterances');

    const onsets: number[] = [];
    const speechShares: number[] = [];
    for (const entry of utterances) {
      const run = runVad(vad, fixtureMuLaw(entry), DEFAULT_VAD_OPTIONS);

      assert.ok(run.firstSpeechMs >= 0, `${entry.id}: speech detected`);
      assert.ok(run.firstSpeechMs <= 600, `${entry.id}: onset ${run.firstSpeechMs} ms`);
      onsets.push(run.firstSpeechMs);
      speechShares.push(share(run.speech));
    }

    onsets.sort((a, b) => a - b);
    t.diagnostic(
      `${utterances.length}/${utterances.length} utterances detected; onset median ` +
        `${onsets[onsets.length >> 1]} ms, max ${onsets.at(-1)} ms; speech share of the file ` +
        `min ${Math.min(...speechShares).toFixed(2)}`,
    );
  });

  it('finds speech in every utterance over -45 dBFS line noise; the floor delays it <= 60 ms', (t) => {
    const noise = fixtureMuLaw(byId('line-noise-45dbfs'));
    const noFloor = resolveVadOptions({ noiseMarginDb: 0 });

    const byFloor: number[] = [];
    const byNoise: number[] = [];
    for (const entry of byKind('utterance')) {
      const mixed = mixMuLaw(fixtureMuLaw(entry), noise);
      const noisy = runVad(vad, mixed, DEFAULT_VAD_OPTIONS);
      const unfloored = runVad(vad, mixed, noFloor);
      const clean = runVad(vad, fixtureMuLaw(entry), DEFAULT_VAD_OPTIONS);

      assert.ok(noisy.firstSpeechMs >= 0, `${entry.id} over noise: speech detected`);
      // The noise alone also moves the WebRTC VAD's verdicts; the floor's own cost is measured
      // against the same noisy audio without it.
      const delayMs = noisy.firstSpeechMs - unfloored.firstSpeechMs;
      assert.ok(delayMs <= 60, `${entry.id} over noise: the floor delays onset ${delayMs} ms`);
      byFloor.push(delayMs);
      byNoise.push(noisy.firstSpeechMs - clean.firstSpeechMs);
    }

    const spread = (values: number[]): string => {
      values.sort((a, b) => a - b);
      return `median ${values[values.length >> 1]} ms, max ${values.at(-1)} ms`;
    };
    t.diagnostic(
      `${byFloor.length}/${byKind('utterance').length} detected over -45 dBFS noise; onset ` +
        `delay from the floor ${spread(byFloor)}; vs clean audio ${spread(byNoise)}`,
    );
  });

  it('finds no speech in silence nor in line noise at -60, -45 and -30 dBFS', (t) => {
    const quiet = ['silence-3s', 'line-noise-60dbfs', 'line-noise-45dbfs', 'line-noise-30dbfs'];

    for (const id of quiet) {
      const run = runVad(vad, fixtureMuLaw(byId(id)), DEFAULT_VAD_OPTIONS);

      assert.equal(run.firstSpeechMs, -1, `${id}: no speech`);
      t.diagnostic(`${id}: voiced frames ${(share(run.voiced) * 100).toFixed(1)}%`);
    }
  });

  it('does start speech on -30 dBFS line noise without the noise floor (noiseMarginDb 0)', (t) => {
    // Proves the test above can fail: the WebRTC VAD and minEnergyDb alone pass this noise.
    const options = resolveVadOptions({ noiseMarginDb: 0 });
    const run = runVad(vad, fixtureMuLaw(byId('line-noise-30dbfs')), options);

    assert.ok(run.firstSpeechMs >= 0);
    t.diagnostic(
      `line-noise-30dbfs, no margin: speech share ${(share(run.speech) * 100).toFixed(1)}%`,
    );
  });

  it('measures loud line noise that starts after silence: speech until the floor catches up', (t) => {
    const silence = fixtureMuLaw(byId('silence-3s')).subarray(0, 8000);
    const noise = fixtureMuLaw(byId('line-noise-30dbfs'));
    const run = runVad(vad, Buffer.concat([silence, noise]), DEFAULT_VAD_OPTIONS);

    // Limit: noise that jumps up mid-call (here from digital silence to -30 dBFS) is as far
    // above the old floor as speech is, so it counts as speech until the quiet minima age out
    // of the floor's memory (up to 5 × 400 ms); a barge-in on such a jump still cuts the bot
    // off once. Spectral flatness (white noise is flat, voice is not) would reject it sooner.
    const lastSpeechMs = run.speech.lastIndexOf(true) * 20;
    t.diagnostic(`silence then -30 dBFS noise: speech ${run.firstSpeechMs} to ${lastSpeechMs} ms`);
    const noiseStartMs = 1000;
    const memoryMs = (NOISE_FLOOR_WINDOWS + 1) * NOISE_FLOOR_WINDOW_MS;
    assert.ok(lastSpeechMs <= noiseStartMs + memoryMs + DEFAULT_VAD_OPTIONS.minSilenceMs);
    assert.equal(run.speech.at(-1), false, 'the floor has caught up by the end');
  });

  it('does not start speech on a cough burst shorter than minSpeechMs', (t) => {
    const cough = byId('cough');
    const burstMs = cough.burstMs ?? 300;

    for (const minSpeechMs of [DEFAULT_VAD_OPTIONS.minSpeechMs, burstMs + 20]) {
      const options = resolveVadOptions({ minSpeechMs });
      const run = runVad(vad, fixtureMuLaw(cough), options);

      assert.equal(run.firstSpeechMs, -1, `cough with minSpeechMs ${minSpeechMs}: no speech`);
      t.diagnostic(`cough: voiced ${(share(run.voiced) * 100).toFixed(0)}% of frames`);
    }
  });

  it('does start speech on the cough when minSpeechMs is very short', () => {
    // Proves the cough test above can fail: the burst is voiced for more than 20 ms.
    const run = runVad(vad, fixtureMuLaw(byId('cough')), resolveVadOptions({ minSpeechMs: 20 }));

    assert.ok(run.firstSpeechMs >= 0);
  });

  it('continues identically when its state is moved to another instance between frames', async () => {
    const other = await WebRtcVad.load();
    const pcm = decodeMuLaw(fixtureMuLaw(byId('en-IN.income')));
    const mode = DEFAULT_VAD_OPTIONS.mode;

    const single: boolean[] = [];
    vad.restore(null, mode);
    for (let offset = 0; offset + 160 <= pcm.length; offset += 160) {
      single.push(vad.isVoiced(pcm.subarray(offset, offset + 160)));
    }

    // Alternate modules every three frames, carrying the state bytes across.
    const moved: boolean[] = [];
    let state: Uint8Array | null = null;
    for (let offset = 0, turn = 0; offset + 160 <= pcm.length; turn++) {
      const engine = turn % 2 === 0 ? vad : other;
      engine.restore(state, mode);
      for (let step = 0; step < 3 && offset + 160 <= pcm.length; step++, offset += 160) {
        moved.push(engine.isVoiced(pcm.subarray(offset, offset + 160)));
      }
      state = engine.snapshot();
      assert.equal(state.byteLength, FVAD_STATE_BYTES);
    }

    assert.deepEqual(moved, single);
    assert.ok(single.includes(true) && single.includes(false), 'the decisions vary');
  });
});

describe('speech gate', () => {
  const options = resolveVadOptions({ minSpeechMs: 100, minSilenceMs: 200 });

  const feed = (pattern: string): string => {
    const gate = initialSpeechGateState();
    return [...pattern]
      .map((c) => (advanceSpeechGate(gate, c === 'v', 20, options) ? 'S' : '.'))
      .join('');
  };

  it('starts after minSpeechMs of voiced frames and ends after minSilenceMs of unvoiced', () => {
    // 100 ms is 5 frames of voice; 200 ms is 10 frames of silence, the 10th ends speech.
    assert.equal(feed('vvvvvvv' + '__________'), '....SSS' + 'SSSSSSSSS.');
    assert.equal(
      feed('vvvvvv' + '_________v' + '__________'),
      '....SS' + 'SSSSSSSSSS' + 'SSSSSSSSS.',
    );
  });

  it('tolerates a one-frame gap in the onset, but not a short burst', () => {
    assert.equal(feed('vv_vvvv'), '......S');
    assert.equal(feed('vvvv____'), '........');
  });

  it('rejects bad options with a RangeError naming the field', () => {
    assert.throws(() => resolveVadOptions({ minSpeechMs: -1 }), /vad\.minSpeechMs/);
    assert.throws(() => resolveVadOptions({ mode: 4 as 0 }), /vad\.mode/);
    assert.throws(() => resolveVadOptions({ minEnergyDb: Number.NaN }), /vad\.minEnergyDb/);
    assert.throws(() => resolveVadOptions({ noiseMarginDb: -1 }), /vad\.noiseMarginDb.*0 to 40/);
    assert.throws(() => resolveVadOptions({ noiseMarginDb: 41 }), /vad\.noiseMarginDb/);
    assert.equal(resolveVadOptions({ noiseMarginDb: 6 }).noiseMarginDb, 6);
  });

  it('measures energy in dBFS with a floor for silence', () => {
    assert.equal(frameEnergyDb(new Int16Array(160)), SILENCE_FLOOR_DB);

    const fullScaleSquare = new Int16Array(160).map((_, i) => (i % 2 === 0 ? 32767 : -32768));
    assert.ok(Math.abs(frameEnergyDb(fullScaleSquare)) < 0.01);
  });
});

describe('noise floor', () => {
  const feed = (state: NoiseFloorState, energyDb: number, ms: number): NoiseFloorState => {
    for (let elapsed = 0; elapsed < ms; elapsed += 20) advanceNoiseFloor(state, energyDb, 20);
    return state;
  };

  it('is set by the first frame and drops at once to a quieter frame', () => {
    const state = initialNoiseFloorState();
    assert.equal(noiseFloorDb(state), Number.POSITIVE_INFINITY);

    feed(state, -40, 20);
    assert.equal(noiseFloorDb(state), -40);
    feed(state, -70, 20);
    assert.equal(noiseFloorDb(state), -70);
  });

  it('rises to a louder level only once the quiet minima leave its memory', () => {
    const state = feed(initialNoiseFloorState(), -70, 20);
    const memoryMs = (NOISE_FLOOR_WINDOWS + 1) * NOISE_FLOOR_WINDOW_MS;

    feed(state, -30, memoryMs - NOISE_FLOOR_WINDOW_MS);
    assert.equal(noiseFloorDb(state), -70, 'still remembers the quiet frame');
    feed(state, -30, NOISE_FLOOR_WINDOW_MS);
    assert.equal(noiseFloorDb(state), -30);
  });

  it('starts voicing only a margin above the floor, and continues at half that margin', () => {
    const options = resolveVadOptions({ noiseMarginDb: 8 });
    const gate = initialSpeechGateState();
    feed(gate.noise, -30, 200);

    assert.equal(judgeFrame(gate, true, -25, 20, options), false, '5 dB above the floor');
    assert.equal(judgeFrame(gate, false, -10, 20, options), false, 'the classifier says no');
    assert.equal(judgeFrame(gate, true, -21, 20, options), true, '9 dB above the floor');

    advanceSpeechGate(gate, true, 20, options);
    assert.equal(judgeFrame(gate, true, -25, 20, options), true, '5 dB, once voice has begun');
    assert.equal(judgeFrame(gate, true, -27, 20, options), false, '3 dB is still too little');
  });
});
