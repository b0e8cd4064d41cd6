import { test } from 'node:test';
import assert from 'node:assert/strict';

import { buildLineChartSvg, escapeXml, niceTicks } from '../../src/load/svg-plot.js';

/** The points of every polyline, in pixels, by series name. */
function polylines(svg: string): Map<string, number[][]> {
  const lines = new Map<string, number[][]>();
  const group = /<g data-series="([^"]*)">\n<polyline points="([^"]*)"/g;
  for (const [, name, points] of svg.matchAll(group)) {
    const pairs = (points as string).split(' ').filter((pair) => pair !== '');
    lines.set(
      name as string,
      pairs.map((pair) => pair.split(',').map(Number)),
    );
  }

  return lines;
}

test('ticks are round 1-2-5 steps from 0 that reach the maximum', () => {
  assert.deepEqual(niceTicks(0, 800), [0, 200, 400, 600, 800]);
  assert.deepEqual(niceTicks(0, 37), [0, 10, 20, 30, 40]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 51), [0, 20, 40, 60]);
});

test('each series becomes a polyline whose points sit where the data puts them', () => {
  const svg = buildLineChartSvg({
    title: 'p99 <latency> & calls',
    xLabel: 'calls',
    yLabel: 'ms',
    series: [
      {
        name: 'uws',
        color: 'blue',
        points: [
          { x: 0, y: 0 },
          { x: 400, y: 20 },
          { x: 800, y: 40 },
        ],
      },
      {
        name: 'ws',
        color: 'red',
        points: [
          { x: 400, y: 30 },
          { x: 800, y: NaN },
        ],
      },
    ],
    guides: [{ y: 50, label: 'break' }],
    widthPx: 720,
    heightPx: 420,
  });
  const lines = polylines(svg);

  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.ok(svg.includes('p99 &lt;latency&gt; &amp; calls'));
  // Plot area: x from 64 to 600 px for 0..800 calls; y from 368 down to 40 px for 0..50 ms
  // (the guide at 50 ms sets the top of the y axis).
  assert.deepEqual(lines.get('uws'), [
    [64, 368],
    [332, 236.8],
    [600, 105.6],
  ]);
  // The NaN point is left out, not drawn at 0.
  assert.deepEqual(lines.get('ws'), [[332, 171.2]]);
  assert.match(svg, /<line x1="64" y1="40" x2="600" y2="40" stroke="#888" stroke-dasharray/);
  assert.ok(svg.includes('>uws</text>') && svg.includes('>ws</text>'));
});

test('text is escaped for XML', () => {
  assert.equal(escapeXml('a<b>&"c"'), 'a&lt;b&gt;&amp;&quot;c&quot;');
});
