// Run as a child process by the outbox tests: opens an outbox whose API is down, queues events,
// says "durable" once they are fsync'd in the journal, then waits to be killed with SIGKILL.
import { ControlClient, Outbox } from '../../src/control/index.js';

const [dir = '', baseUrl = '', callId = '', countText = '0'] = process.argv.slice(2);
const client = new ControlClient({ baseUrl, serviceToken: 'service-token', timeoutMs: 500 });
const outbox = await Outbox.open({
  sink: client,
  outboxDir: dir,
  baseDelayMs: 50,
  maxDelayMs: 200,
});

for (let index = 0; index < Number(countText); index++) {
  outbox.enqueue(callId, { id: `crash-${index}`, type: 'turn', payload: { index } });
}

const timer = setInterval(() => {
  const stats = outbox.stats();
  if (
    stats.memoryEvents === 0 &&
    stats.unflushedEvents === 0 &&
    stats.diskEvents === Number(countText)
  ) {
    clearInterval(timer);
    process.stdout.write('durable\n');
  }
}, 10);
