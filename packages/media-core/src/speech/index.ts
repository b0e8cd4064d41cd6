// Speech recognition: one streaming interface, Google and Sarvam clients, and the failover
// between them with process-wide circuit breakers.
export * from './recognizer.js';
export * from './errors.js';
export * from './breaker.js';
export * from './replay-buffer.js';
export * from './metrics.js';
export * from './routing.js';
export * from './wav.js';
export * from './google-client.js';
export * from './google.js';
export * from './sarvam-http.js';
export * from './sarvam.js';
export * from './failover.js';
export * from './probes.js';
export * from './services.js';
