// `npm run bench -- soak [--quick]`: the whole voice agent (startVoiceAgent) in a child process
// under K concurrent emulated calls at real time, each playing a conversation script through
// the Twilio caller emulator and replaced as soon as it ends, for minutes; the agent's memory
// and event loop are sampled throughout, and the report says whether memory looks bounded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConversationScript, loadFixtureManifest } from '@voice-agent/emulators';

import type { BenchResult } from '../report.js';
import { AgentProcess } from './agent-process.js';
import { MAX_CALL_MS } from './call-runner.js';
import {
  MAX_RETAINED_HEAP_BYTES_PER_CALL,
  MAX_RSS_BYTES_PER_CALL,
  soakFigures,
  type SoakFigures,
} from './figures.js';
import { soakOptions, type SoakOptions } from './options.js';
import { startProviders, type Providers } from './providers.js';
import { runSoak, type SoakRun } from './soak-run.js';
import { callsTable, memoryTable, summaryTable } from './tables.js';

/** Runs the soak benchmark. */
export async function runSoakBench(): Promise<BenchResult> {
  const options = soakOptions();
  const manifest = await loadFixtureManifest();
  const scripts = await Promise.all(
    options.scripts.map((name) => loadConversationScript(name, { manifest })),
  );
  const outboxDir = await mkdtemp(join(tmpdir(), 'soak-outbox-'));
  let providers: Providers | undefined;
  let agent: AgentProcess | undefined;
  // Last resort: if the bench dies without reaching `finally`, the agent does not outlive it.
  const killAgent = () => agent?.kill();
  process.once('exit', killAgent);

  try {
    providers = await startProviders();
    agent = await AgentProcess.start(providers.env, outboxDir);
    console.error(
      `soak: ${options.concurrentCalls} calls for ${options.durationMs / 1000} s ` +
        `on agent pid ${agent.pid}`,
    );
    const run = await runSoak({ agent, control: providers.control, scripts, manifest }, options);
    const figures = soakFigures(run);
    if (agent.errorLines.length > 0) {
      run.problems.push(`agent logged errors: ${agent.errorLines.slice(0, 5).join('; ')}`);
    }

    return {
      tables: [summaryTable(figures, run, options), callsTable(figures), memoryTable(figures, run)],
      notes: notes(options, figures, run),
      data: { options, thresholds: thresholds(), figures, run },
    };
  } finally {
    await agent?.stop();
    await providers?.close();
    await rm(outboxDir, { recursive: true, force: true });
    process.off('exit', killAgent);
  }
}

function thresholds(): Record<string, number> {
  return {
    maxRssBytesPerCall: MAX_RSS_BYTES_PER_CALL,
    maxRetainedHeapBytesPerCall: MAX_RETAINED_HEAP_BYTES_PER_CALL,
    maxCallMs: MAX_CALL_MS,
  };
}

function notes(options: SoakOptions, figures: SoakFigures, run: SoakRun): string[] {
  return [
    `Agent: startVoiceAgent (media server, conversation per call, outbox to the control API) ` +
      `from the bench's agent-main.js in a child process on 127.0.0.1, configured by the ` +
      `environment as the voice-media-core bin; default DSP_THREADS; started with --expose-gc ` +
      `(collections are forced only for the four full-GC readings).`,
    `Peers in the bench process: the Google Speech, Google TTS, Sarvam and OpenAI emulators ` +
      `and a control API peer (context, events, hand-off routes).`,
    `Calls: ${options.concurrentCalls} slots, each playing ${options.scripts.join(', ')} in ` +
      `turn through the Twilio caller emulator at real time and dialling again as soon as a ` +
      `call ends; calls open at ${options.durationMs / 1000} s are hung up (cut)` +
      `${options.quick ? '; quick run' : ''}. Completed: played to the end and call_ended ` +
      `reached the control API; failed: no connection, an error, open after ` +
      `${MAX_CALL_MS / 1000} s, or no call_ended.`,
    `Samples every ${options.sampleMs / 1000} s: RSS from /proc/PID/status (VmRSS), heap ` +
      `${run.heapSource === 'metrics' ? 'from /metrics nodejs_heap_size_used_bytes' : 'over IPC (process.memoryUsage: /metrics exports no nodejs_heap_size_used_bytes)'}` +
      `, event-loop delay p99 (media_event_loop_delay_seconds, reset at each scrape, so each ` +
      `covers the interval since the previous sample) and media_active_calls from /metrics.`,
    `Warm-up: ${(run.warmupEndMs / 1000).toFixed(0)} s, until every slot had ended its first ` +
      `call (at least ${options.warmupMs / 1000} s, at most two thirds of the run` +
      `${run.warmupForced ? '; it reached that limit' : ''}). Slopes: least squares over the ` +
      `samples after it, ` +
      `against calls completed (per call) and against time (per minute). Retained heap: V8 ` +
      `heap after a full GC at the end of the warm-up and at the end of the run (both with ` +
      `calls open), divided by the calls completed between.`,
    `Bounded when the RSS slope is ≤ ${MAX_RSS_BYTES_PER_CALL / 1024} KiB per completed call ` +
      `and the retained heap ≤ ${MAX_RETAINED_HEAP_BYTES_PER_CALL / 1024} KiB per call: ` +
      `${figures.verdictReasons.join('; ')}.`,
    `RSS also moves with V8's heap sizing and the allocator returning pages, so on a short run ` +
      `its slope is noisy; the full-GC heap is the steadier witness.`,
    `Run: ${(run.wallMs / 1000).toFixed(1)} s from first dial to last call's end.`,
    ...run.problems.map((problem) => `Problem: ${problem}`),
    ...run.calls
      .filter((call) => call.result === 'failed')
      .slice(0, 5)
      .map((call) => `Failed ${call.callId} (${call.script}): ${call.reason ?? '?'}`),
  ];
}
