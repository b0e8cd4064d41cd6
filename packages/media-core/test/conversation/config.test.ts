// The product configuration: emulators where credentials are missing, the secrets production
// needs, and the conversation's timing variables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, EMULATOR_DEFAULTS, loadVoiceAgentConfig } from '../../src/index.js';

describe('loadVoiceAgentConfig', () => {
  it('points every provider without credentials at the local emulators', () => {
    const config = loadVoiceAgentConfig({});

    assert.deepEqual(config.emulated, ['google', 'sarvam', 'openai']);
    assert.equal(config.speech.googleSpeechEndpoint, EMULATOR_DEFAULTS.googleSpeech);
    assert.equal(config.speech.googleTtsEndpoint, EMULATOR_DEFAULTS.googleTts);
    assert.equal(config.speech.sarvamApiUrl, EMULATOR_DEFAULTS.sarvam);
    assert.equal(config.llm.baseUrl, 'http://127.0.0.1:8093/v1');
    assert.equal(config.conversation.bargeInMinSpeechMs, 200);
    assert.equal(config.conversation.bargeInFalseMs, 1500);
  });

  it('uses the real services when credentials are set', () => {
    const config = loadVoiceAgentConfig({
      GOOGLE_APPLICATION_CREDENTIALS: '/secrets/google.json',
      SARVAM_API_KEY: 'key',
      OPENAI_API_KEY: 'sk-test',
    });

    assert.deepEqual(config.emulated, []);
    assert.equal(config.speech.googleSpeechEndpoint, undefined);
    assert.equal(config.speech.sarvamApiUrl, undefined);
  });

  it('refuses production without the provider secrets, naming the first missing', () => {
    const env = { NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 't' };

    assert.throws(
      () => loadVoiceAgentConfig(env),
      (error: unknown) =>
        error instanceof ConfigError && error.variable === 'GOOGLE_APPLICATION_CREDENTIALS',
    );
  });

  it('names a bad barge-in variable and its rule', () => {
    assert.throws(
      () => loadVoiceAgentConfig({ BARGE_IN_MIN_SPEECH_MS: 'soon' }),
      /BARGE_IN_MIN_SPEECH_MS must be an integer from 20 to 5000/,
    );
  });
});
