// When the uWebSockets.js addon cannot load, the server runs on `ws` and says so once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTransport } from '../../src/transport/select.js';
import type { TransportHandlers } from '../../src/transport/transport.js';
import { memoryLogger } from './harness.js';

const handlers: TransportHandlers = {
  upgrade: () => ({ accept: true }),
  open: () => undefined,
  message: () => undefined,
  binary: () => undefined,
  close: () => undefined,
  http: async () => ({ status: 200, contentType: 'text/plain', body: 'ok' }),
};

describe('transport selection', () => {
  it('falls back to ws with one warning when the native addon does not load', async () => {
    const memory = memoryLogger();
    const options = { mediaPath: '/media', maxMessageBytes: 1024, handlers };
    const transport = createTransport('uws', options, memory.log, () => {
      throw new Error('invalid ELF header');
    });

    const port = await transport.listen('127.0.0.1', 0);
    const response = await fetch(`http://127.0.0.1:${port}/health`);

    assert.equal(transport.name, 'ws');
    assert.equal(await response.text(), 'ok');
    const warnings = memory.lines().filter((line) => line.level === 40);
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]!.msg), /uWebSockets\.js did not load/);
    await transport.close();
  });

  it('loads the native addon when it can', async () => {
    const memory = memoryLogger();
    const options = { mediaPath: '/media', maxMessageBytes: 1024, handlers };
    const transport = createTransport('uws', options, memory.log);

    assert.equal(transport.name, 'uws');
    assert.equal(memory.lines().length, 0);
    await transport.close();
  });
});
