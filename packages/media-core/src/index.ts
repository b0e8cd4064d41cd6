// @voice-agent/media-core: the media server and the types later stages build on.
export {
  createMediaServer,
  startMediaServer,
  MEDIA_PATH,
  type MediaServer,
  type MediaServerOptions,
} from './server.js';
export { loadConfig, ConfigError, type MediaConfig, type TransportName } from './ops/config.js';
export type { HealthReport, HealthStatus, HealthState } from './ops/health.js';
export type { MediaMetrics } from './ops/metrics.js';
export type { DrainResult } from './ops/drain.js';
export { CallSession, SessionError, LATE_FRAME_MS } from './call/session.js';
export type * from './call/session-events.js';
export type * from './call/summary.js';
export type * from './call/collaborators.js';
export { startVoiceAgent, type VoiceAgent, type VoiceAgentOptions } from './main.js';
export {
  loadVoiceAgentConfig,
  EMULATOR_DEFAULTS,
  type VoiceAgentConfig,
} from './conversation/config.js';
export * from './conversation/index.js';
export { Playback, DEFAULT_LEAD_MS, type PlaybackOptions } from './call/playback.js';
