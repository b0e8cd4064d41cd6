// Text-to-speech: one synthesizer interface, Sarvam and Google clients, failover over the
// speech breakers, sentence-by-sentence synthesis and the prompt cache.
export * from './synthesizer.js';
export * from './sarvam.js';
export * from './google.js';
export * from './failover.js';
export * from './sentences.js';
export * from './prompt-cache.js';
