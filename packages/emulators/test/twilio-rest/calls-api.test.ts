// The Twilio REST emulator driven over HTTP as a Twilio client drives Twilio, with a real peer
// server playing the control API (serving TwiML, receiving signed status callbacks).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  computeTwilioSignature,
  startTwilioRestEmulator,
  type StreamRequest,
  type TwilioRestEmulator,
} from '../../src/twilio-rest/index.js';
import { startControlPeer, type ControlPeer } from './control-peer.js';

const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
const AUTH_TOKEN = 'test-auth-token';
const STREAM_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>' +
  '<Stream url="wss://media.example/media"><Parameter name="callId" value="call-1"/>' +
  '<Parameter name="leadId" value="lead &amp; 7"/></Stream></Connect><Say>bye</Say></Response>';

function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

async function post(
  emulator: TwilioRestEmulator,
  path: string,
  params: Record<string, string | string[]>,
  authorization = basicAuth(ACCOUNT_SID, AUTH_TOKEN),
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of [value].flat()) form.append(name, one);
  }
  const response = await fetch(`${emulator.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });

  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A stream hook that records each stream and ends it when the test says so (or when cut). */
function streamHook(): {
  streams: StreamRequest[];
  end: () => void;
  onStream: (s: StreamRequest) => Promise<void>;
} {
  const streams: StreamRequest[] = [];
  let end = (): void => undefined;
  const onStream = (stream: StreamRequest): Promise<void> => {
    streams.push(stream);

    return new Promise((resolve) => {
      end = resolve;
      stream.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  };

  return { streams, end: () => end(), onStream };
}

describe('X-Twilio-Signature', () => {
  it("matches the example in Twilio's security documentation", () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';

    assert.equal(computeTwilioSignature('12345', url, params), 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });
});

describe('Twilio REST emulator', () => {
  let peer: ControlPeer;
  let emulator: TwilioRestEmulator;
  const hook = streamHook();

  before(async () => {
    peer = await startControlPeer(AUTH_TOKEN);
    peer.twiml.set('/twiml', STREAM_TWIML);
    peer.twiml.set('/dial', '<Response><Dial><Number>+15550001111</Number></Dial></Response>');
    emulator = await startTwilioRestEmulator({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      onStream: hook.onStream,
      outcome: (to) => (to === '+15550000486' ? 'busy' : 'completed'),
    });
  });

  after(async () => {
    await emulator.close();
    await peer.close();
  });

  it('refuses requests without the right Basic credentials with 401 / 20003', async () => {
    const params = { To: '+15551230001', From: '+15557654321', Url: `${peer.baseUrl}/twiml` };
    const wrong = await post(emulator, '/Calls.json', params, basicAuth(ACCOUNT_SID, 'nope'));
    const none = await post(emulator, '/Calls.json', params, '');

    for (const answer of [wrong, none]) {
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    assert.equal(emulator.calls.length, 0);
  });

  it('answers bad parameters with 400 and the Twilio error code', async () => {
    const url = `${peer.baseUrl}/twiml`;
    const cases: Array<[Record<string, string>, number]> = [
      [{ From: '+15557654321', Url: url }, 21201],
      [{ To: '+15551230001', Url: url }, 21603],
      [{ To: '5551230001', From: '+15557654321', Url: url }, 21211],
      [{ To: '+15551230001', From: '+0123', Url: url }, 21212],
      [{ To: '+15551230001', From: '+15557654321' }, 21205],
      [{ To: '+15551230001', From: '+15557654321', Url: 'ftp://x/y' }, 21205],
    ];

    for (const [params, code] of cases) {
      const answer = await post(emulator, '/Calls.json', params);
      assert.equal(answer.status, 400, JSON.stringify(params));
      assert.equal(answer.body['code'], code);
      assert.equal(answer.body['status'], 400);
    }
  });

  it('places a call: fetches signed TwiML, runs the stream, posts a signed completed callback', async () => {
    const created = await post(emulator, '/Calls.json', {
      To: '+15551230001',
      From: '+15557654321',
      Url: `${peer.baseUrl}/twiml`,
      StatusCallback: `${peer.baseUrl}/status`,
    });

    assert.equal(created.status, 201);
    const sid = String(created.body['sid']);
    assert.match(sid, /^CA[0-9a-f]{32}$/);
    assert.equal(created.body['status'], 'queued');
    assert.equal(created.body['uri'], `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`);
    assert.equal(created.body['direction'], 'outbound-api');
    assert.match(
      String(created.body['date_created']),
      /^\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000$/,
    );

    while (hook.streams.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stream = hook.streams[0];
    assert.deepEqual(
      { ...stream, signal: undefined },
      {
        url: 'wss://media.example/media',
        parameters: { callId: 'call-1', leadId: 'lead & 7' },
        callSid: sid,
        signal: undefined,
      },
    );
    const fetched = peer.received.find((webhook) => webhook.path === '/twiml');
    assert.ok(fetched?.signatureValid, 'TwiML request carries a valid signature');
    assert.equal(fetched.params['CallSid'], sid);
    assert.equal(fetched.params['AccountSid'], ACCOUNT_SID);
    assert.equal(fetched.params['CallStatus'], 'in-progress');
    assert.equal(fetched.params['Direction'], 'outbound-api');
    assert.equal(fetched.params['To'], '+15551230001');
    assert.equal(emulator.calls[0]?.status, 'in-progress');

    hook.end();
    const callback = await peer.statusArrived('completed');
    assert.ok(callback.signatureValid, 'status callback carries a valid signature');
    assert.equal(callback.params['CallSid'], sid);
    assert.match(callback.params['CallDuration'] ?? '', /^\d+$/);

    const call = await emulator.waitForCall(sid);
    assert.equal(call.status, 'completed');
    assert.equal(call.twiml, STREAM_TWIML);
    assert.deepEqual(
      call.actions.map((action) => action.verb),
      ['Connect/Stream', 'Say'],
    );
    const fetchedAgain = await fetch(
      `${emulator.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json`,
      {
        headers: { authorization: basicAuth(ACCOUNT_SID, AUTH_TOKEN) },
      },
    );
    const resource = (await fetchedAgain.json()) as Record<string, unknown>;
    assert.equal(resource['status'], 'completed');
    assert.equal(resource['duration'], callback.params['CallDuration']);
  });

  it('does not answer a busy number: no TwiML fetch, a busy callback with zero duration', async () => {
    const fetchesBefore = peer.received.filter((webhook) => webhook.path === '/twiml').length;
    const created = await post(emulator, '/Calls.json', {
      To: '+15550000486',
      From: '+15557654321',
      Url: `${peer.baseUrl}/twiml`,
      StatusCallback: `${peer.baseUrl}/status`,
    });

    const callback = await peer.statusArrived('busy');
    assert.equal(callback.params['CallSid'], created.body['sid']);
    assert.equal(callback.params['CallDuration'], '0');
    assert.ok(callback.signatureValid);
    assert.equal(
      peer.received.filter((webhook) => webhook.path === '/twiml').length,
      fetchesBefore,
    );
  });

  it('redirects a live call: new TwiML with <Dial> ends the stream leg and is recorded', async () => {
    const created = await post(emulator, '/Calls.json', {
      To: '+15551230002',
      From: '+15557654321',
      Twiml: STREAM_TWIML,
    });
    const sid = String(created.body['sid']);
    while (hook.streams.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const dial = '<Response><Dial>+15550009999</Dial></Response>';
    const updated = await post(emulator, `/Calls/${sid}.json`, { Twiml: dial });
    assert.equal(updated.status, 200);
    assert.equal(updated.body['sid'], sid);

    const call = await emulator.waitForCall(sid);
    assert.equal(hook.streams[1]?.signal.aborted, true, 'the stream leg was cut');
    assert.deepEqual(call.updates, [{ Twiml: dial }]);
    assert.deepEqual(
      call.actions.map((action) => [action.verb, action.text]),
      [
        ['Connect/Stream', undefined],
        ['Dial', '+15550009999'],
      ],
    );
    assert.equal(call.status, 'completed');

    const late = await post(emulator, `/Calls/${sid}.json`, { Twiml: dial });
    assert.equal(late.status, 400);
    assert.equal(late.body['code'], 21220);
  });

  it('redirects to a Url (fetched and signed) and hangs up with Status=completed', async () => {
    const created = await post(emulator, '/Calls.json', {
      To: '+15551230003',
      From: '+15557654321',
      Twiml: STREAM_TWIML,
    });
    const sid = String(created.body['sid']);
    while (hook.streams.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));

    await post(emulator, `/Calls/${sid}.json`, {
      Url: `${peer.baseUrl}/dial?leg=agent`,
      Method: 'GET',
    });
    const call = await emulator.waitForCall(sid);
    const dialFetch = peer.received.find((webhook) => webhook.path.startsWith('/dial?leg=agent'));
    assert.equal(dialFetch?.method, 'GET');
    assert.ok(dialFetch.signatureValid, 'GET webhook signed over the URL with its query');
    assert.equal(call.actions.at(-1)?.attributes['Number'], '+15550001111');

    const second = await post(emulator, '/Calls.json', {
      To: '+15551230004',
      From: '+15557654321',
      Twiml: STREAM_TWIML,
    });
    const secondSid = String(second.body['sid']);
    while (hook.streams.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    await post(emulator, `/Calls/${secondSid}.json`, { Status: 'completed' });
    const hungUp = await emulator.waitForCall(secondSid);
    assert.equal(hungUp.status, 'completed');
    assert.deepEqual(
      hungUp.actions.map((action) => action.verb),
      ['Connect/Stream'],
      'nothing after the hang-up runs',
    );
  });

  it('answers 404 / 20404 for an unknown call or account', async () => {
    const unknownCall = await post(emulator, `/Calls/CA${'0'.repeat(32)}.json`, {
      Status: 'completed',
    });
    assert.equal(unknownCall.status, 404);
    assert.equal(unknownCall.body['code'], 20404);

    const response = await fetch(
      `${emulator.baseUrl}/2010-04-01/Accounts/AC${'1'.repeat(32)}/Calls.json`,
      {
        headers: { authorization: basicAuth(ACCOUNT_SID, AUTH_TOKEN) },
      },
    );
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });

  it('sends the progress callbacks StatusCallbackEvent asks for, in order', async () => {
    const created = await post(emulator, '/Calls.json', {
      To: '+15551230005',
      From: '+15557654321',
      Twiml: '<Response><Say>hello</Say><Hangup/><Say>never</Say></Response>',
      StatusCallback: `${peer.baseUrl}/status`,
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    const sid = String(created.body['sid']);
    const call = await emulator.waitForCall(sid);

    const callbacks = peer.received.filter((webhook) => webhook.params['CallSid'] === sid);
    assert.deepEqual(
      callbacks.map((webhook) => [webhook.params['CallStatus'], webhook.params['SequenceNumber']]),
      [
        ['initiated', '0'],
        ['ringing', '1'],
        ['in-progress', '2'],
        ['completed', '3'],
      ],
    );
    assert.ok(callbacks.every((webhook) => webhook.signatureValid));
    assert.deepEqual(
      call.actions.map((action) => action.verb),
      ['Say', 'Hangup'],
    );
  });

  it('ends a call with error 12100 when its TwiML does not parse', async () => {
    const created = await post(emulator, '/Calls.json', {
      To: '+15551230006',
      From: '+15557654321',
      Twiml: '<Response><Say>unclosed</Response>',
    });
    const call = await emulator.waitForCall(String(created.body['sid']));

    assert.equal(call.actions[0]?.verb, 'Error');
    assert.equal(call.actions[0]?.attributes['code'], '12100');
    assert.equal(call.status, 'completed');
  });
});

describe('Twilio REST emulator close()', () => {
  it('cuts live stream legs and is idempotent', async () => {
    const hook = streamHook();
    const emulator = await startTwilioRestEmulator({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      onStream: hook.onStream,
    });
    await post(emulator, '/Calls.json', {
      To: '+15551230007',
      From: '+15557654321',
      Twiml: STREAM_TWIML,
    });
    while (hook.streams.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    await Promise.all([emulator.close(), emulator.close()]);
    assert.equal(hook.streams[0]?.signal.aborted, true);
  });
});
