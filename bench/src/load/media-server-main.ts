// The server process the load bench measures: the media core's media server alone (transport,
// Twilio protocol, call sessions, DSP pool, playback, /metrics), from the package's public entry
// and configured by the same environment as the `voice-media-core` bin.
//
// Why not the bin itself: the bin runs the whole voice agent, with a conversation per call
// (speech recognition, dialogue, speech) against provider emulators that a load run does not
// start; those calls would hang up within seconds, and the bench would measure the emulators.
// This entry runs exactly the media path `media_frame_latency_seconds` covers.
//
// LOAD_BENCH_DSP=off starts it without the DSP pool (`dsp: null`): transport, Twilio parsing
// and sessions only, so the transports are compared without the worker pool's CPU on top.
import { loadConfig, startMediaServer } from '@voice-agent/media-core';

async function main(): Promise<void> {
  const withoutDsp = process.env.LOAD_BENCH_DSP === 'off';
  const { server } = await startMediaServer({
    config: loadConfig(),
    ...(withoutDsp ? { dsp: null } : {}),
  });

  // SIGTERM: drain (DRAIN_TIMEOUT_MS), close, exit, as the bin does.
  let stopping = false;
  const stop = () => {
    if (stopping) return;

    stopping = true;
    void server
      .drain()
      .then(() => server.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  // The bench going away (crash, SIGKILL) closes the IPC channel: no server is left behind.
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  console.error('load bench media server failed to start:', error);
  process.exit(1);
});
