import speech from '@google-cloud/speech';
import { grpc, type ClientOptions } from 'google-gax';

/** The v1 Speech client (see google.ts for why v1). */
export type GoogleSpeechClient = InstanceType<typeof speech.v1.SpeechClient>;

/** Where a Google client connects. */
export interface GoogleEndpointOptions {
  /** `host:port` of a local emulator (plaintext gRPC); unset means the real service. */
  endpoint?: string | undefined;
}

/**
 * Client options for a Google endpoint: `host:port` (an emulator, from `GOOGLE_SPEECH_ENDPOINT`)
 * gives a plaintext channel; without one the library finds `GOOGLE_APPLICATION_CREDENTIALS`.
 */
export function gaxClientOptions(options: GoogleEndpointOptions): ClientOptions {
  if (!options.endpoint) return {};

  const { host, port } = parseHostPort(options.endpoint);

  return {
    apiEndpoint: host,
    port,
    sslCreds: grpc.credentials.createInsecure(),
    // Why: gax asks the auth library for the universe domain before every channel, and without
    // one set it probes the GCE metadata server (seconds of timeouts off Google Cloud).
    clientOptions: { universeDomain: 'googleapis.com' },
  };
}

/** A v1 SpeechClient for the given endpoint (one per process: it owns the gRPC channel). */
export function createGoogleSpeechClient(options: GoogleEndpointOptions = {}): GoogleSpeechClient {
  return new speech.v1.SpeechClient(gaxClientOptions(options));
}

/** Splits `host:port` (or `[v6]:port`); throws a TypeError naming the rule when malformed. */
export function parseHostPort(endpoint: string): { host: string; port: number } {
  const at = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(endpoint.slice(at + 1));

  if (at <= 0 || !host || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TypeError(`endpoint must be host:port with a port in 1..65535, got "${endpoint}"`);
  }

  return { host, port };
}
