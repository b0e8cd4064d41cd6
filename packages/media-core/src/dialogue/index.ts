// The loan dialogue: the policy (pure), the facts and rules it checks, the OpenAI agent, the
// sentence splitter and the per-language phrases.
export * from './facts.js';
export { parseSpokenAmount } from './number-words.js';
export * from './qualification.js';
export * from './policy.js';
export * from './tools.js';
export * from './sentence-splitter.js';
export * from './phrases.js';
export * from './prompt.js';
export * from './errors.js';
export * from './llm-config.js';
export * from './agent.js';
