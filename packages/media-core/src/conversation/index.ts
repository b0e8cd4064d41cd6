// The per-call conversation: pipeline, barge-in, speaker, hand-off, per-turn latency.
export type * from './brain.js';
export { agentBrains, AgentBrain, type AgentBrainOptions } from './agent-brain.js';
export { CallEvents, type CallEventTarget } from './events.js';
export { conversationMetrics, type ConversationMetrics } from './metrics.js';
export { DEFAULT_CONVERSATION_OPTIONS, type ConversationOptions } from './options.js';
export {
  attachConversation,
  CallConversation,
  type PipelineControl,
  type PipelineDeps,
  type PipelineSpeech,
} from './pipeline.js';
export { heardPrefix } from './heard.js';
export type { TurnLatency } from './turn-latency.js';
