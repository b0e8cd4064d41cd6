// SynthesizeSpeech: checks the request like Google does and answers the synthetic voice in the
// requested encoding (LINEAR16 and MULAW carry a WAV header, as Google's do; PCM is raw).
import { grpc } from 'google-gax';
import { grpcFailure, type GrpcFailure } from '../faults/grpc-failure.js';
import { encodeWav } from '../speech-match/wav.js';
import { synthesizeSpeechSignal } from './speech-signal.js';
import { naturalSampleRateHz } from './voices.js';

/** The fields of SynthesizeSpeechRequest the emulator reads. */
export interface SynthesizeRequest {
  input?: { text?: string; ssml?: string; markup?: string };
  voice?: { languageCode?: string; name?: string };
  audioConfig?: { audioEncoding?: string; sampleRateHertz?: number; speakingRate?: number };
}

/** Google's limit on the input, in bytes. */
const maxInputBytes = 5000;

/** Answers a SynthesizeSpeechResponse, or the INVALID_ARGUMENT naming the bad field. */
export function synthesize(request: SynthesizeRequest): Record<string, unknown> | GrpcFailure {
  const invalid = (details: string): GrpcFailure =>
    grpcFailure(grpc.status.INVALID_ARGUMENT, details);

  const text = inputText(request.input);
  if (!text) return invalid('input: one of text, ssml or markup is required');
  if (Buffer.byteLength(text) > maxInputBytes) {
    return invalid(`input.text: longer than the limit of ${maxInputBytes} bytes`);
  }

  if (!request.voice?.languageCode) return invalid('voice.language_code: is required');

  const encoding = request.audioConfig?.audioEncoding ?? 'AUDIO_ENCODING_UNSPECIFIED';
  if (encoding !== 'LINEAR16' && encoding !== 'MULAW' && encoding !== 'PCM') {
    return invalid(
      `audio_config.audio_encoding: ${encoding} is not supported by the emulator (LINEAR16, MULAW, PCM)`,
    );
  }

  const sampleRate = request.audioConfig?.sampleRateHertz || naturalSampleRateHz;
  if (sampleRate < 8000 || sampleRate > 48000) {
    return invalid('audio_config.sample_rate_hertz: must be between 8000 and 48000');
  }

  const pace = request.audioConfig?.speakingRate || 1;
  if (pace < 0.25 || pace > 4) return invalid('audio_config.speaking_rate: must be 0.25 to 4.0');

  const samples = synthesizeSpeechSignal(text, sampleRate, pace);
  const audioContent =
    encoding === 'PCM'
      ? Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)
      : encodeWav(samples, sampleRate, encoding === 'MULAW' ? 'mulaw' : 'linear16');

  return { audioContent };
}

function inputText(input: SynthesizeRequest['input']): string {
  if (input?.text) return input.text;
  if (input?.markup) return input.markup;

  // Limit: SSML is read as plain text with its tags removed; <break>, <prosody> and the rest do
  // not change the audio's length, so SSML prompts come out shorter than Google's.
  return (input?.ssml ?? '').replace(/<[^>]*>/g, ' ').trim();
}
