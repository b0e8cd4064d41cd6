// The process the soak bench measures: the whole voice agent (startVoiceAgent: media server,
// conversation per call, speech, dialogue, outbox) configured by the environment exactly as
// the `voice-media-core` bin is, plus an IPC answer with its memory.
//
// Why not the bin itself: the bin has no way to report its V8 heap (its /metrics carries no
// nodejs_* metrics) nor to collect garbage on request, and a heap read after a full collection
// is what tells retained memory from garbage not yet collected.
import { loadVoiceAgentConfig, startVoiceAgent } from '@voice-agent/media-core';

import { isMemoryRequest, type MemoryReport } from './agent-protocol.js';

async function main(): Promise<void> {
  const agent = await startVoiceAgent({ config: loadVoiceAgentConfig() });

  process.on('message', (message) => {
    if (isMemoryRequest(message)) process.send?.(memoryReport(message.id, message.collectGarbage));
  });

  // SIGTERM: drain (DRAIN_TIMEOUT_MS), close, exit, as the bin does.
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;

    stopping = true;
    void agent
      .drain()
      .then(() => agent.close())
      .finally(() => process.exit(0));
  });
  // The bench is gone (crashed or killed): do not outlive it.
  process.on('disconnect', () => process.exit(0));
}

function memoryReport(id: number, collectGarbage: boolean): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collectGarbage) gc?.();

  const usage = process.memoryUsage();

  return {
    type: 'memory',
    id,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    collected: collectGarbage && gc !== undefined,
  };
}

main().catch((error: unknown) => {
  console.error('soak bench voice agent failed to start:', error);
  process.exit(1);
});
