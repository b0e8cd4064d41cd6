// The TwiML reader: what it accepts and what it refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseTwiml, TwimlParseError } from '../../src/twilio-rest/index.js';

describe('parseTwiml', () => {
  it('reads nested verbs, attributes, entities and self-closing elements', () => {
    const root = parseTwiml(
      '<?xml version="1.0"?>\n<!-- comment --><Response>\n  <Say voice=\'alice\'>Tom &amp; Jerry &#x263A;</Say>' +
        '<Connect><Stream url="wss://h/m"><Parameter name="a" value="&quot;1&quot;"/></Stream></Connect>\n</Response>',
    );

    assert.equal(root.name, 'Response');
    assert.deepEqual(
      root.children.map((verb) => verb.name),
      ['Say', 'Connect'],
    );
    assert.equal(root.children[0]?.text, 'Tom & Jerry \u263a');
    assert.equal(root.children[0]?.attributes['voice'], 'alice');
    const parameter = root.children[1]?.children[0]?.children[0];
    assert.deepEqual(parameter?.attributes, { name: 'a', value: '"1"' });
  });

  it('refuses documents that are not well-formed TwiML', () => {
    for (const bad of [
      '<Response><Say></Response>',
      '<Say>hi</Say>',
      '<Response>',
      '<Response><</Response>',
    ]) {
      assert.throws(() => parseTwiml(bad), TwimlParseError, bad);
    }
  });
});
