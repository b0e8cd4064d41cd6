// Test support: the real SpeechClient pointed at an emulator, and a stream fed in bursts.
import speech from '@google-cloud/speech';
import { grpc } from 'google-gax';
import { toBytes } from '../speech-match/fixture-audio.js';

/** The real v1 SpeechClient on an insecure channel to the emulator. */
export function speechClient(port: number): InstanceType<typeof speech.v1.SpeechClient> {
  return new speech.v1.SpeechClient({
    apiEndpoint: '127.0.0.1',
    port,
    sslCreds: grpc.credentials.createInsecure(),
  });
}

/** What a streaming call returned. */
export interface StreamOutcome {
  /** Every response, in order. */
  responses: Record<string, unknown>[];
  /** The error that ended the stream, if any. */
  error?: { code: number; message: string };
}

/** The streaming config the tests use. */
export const streamingConfig = {
  config: { encoding: 'LINEAR16' as const, sampleRateHertz: 16000, languageCode: 'en-IN' },
  interimResults: true,
  enableVoiceActivityEvents: true,
};

/** Streams PCM faster than real time in 100 ms requests, ends the stream, collects the answer. */
export function streamPcm(
  client: InstanceType<typeof speech.v1.SpeechClient>,
  pcm: Int16Array,
  options: { chunkBytes?: number; end?: boolean } = {},
): Promise<StreamOutcome> {
  const stream = client.streamingRecognize(streamingConfig);
  const responses: Record<string, unknown>[] = [];
  const bytes = toBytes(pcm);
  const chunkBytes = options.chunkBytes ?? 3200;

  const outcome = new Promise<StreamOutcome>((resolve) => {
    stream.on('data', (response: Record<string, unknown>) => responses.push(response));
    stream.on('error', (error: { code: number; message: string }) =>
      resolve({ responses, error: { code: error.code, message: error.message } }),
    );
    stream.on('end', () => resolve({ responses }));
  });

  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    stream.write(bytes.subarray(offset, offset + chunkBytes));
  }
  if (options.end !== false) stream.end();

  return outcome;
}

/** Transcripts of the final results among the responses. */
export function finalTranscripts(responses: Record<string, unknown>[]): string[] {
  return resultsOf(responses)
    .filter((result) => result.isFinal)
    .map((result) => result.alternatives?.[0]?.transcript ?? '');
}

/** Transcripts of the interim results among the responses. */
export function interimTranscripts(responses: Record<string, unknown>[]): string[] {
  return resultsOf(responses)
    .filter((result) => !result.isFinal)
    .map((result) => result.alternatives?.[0]?.transcript ?? '');
}

interface ResultView {
  isFinal?: boolean;
  alternatives?: { transcript?: string }[];
}

function resultsOf(responses: Record<string, unknown>[]): ResultView[] {
  return responses.flatMap((response) => (response.results as ResultView[] | undefined) ?? []);
}
