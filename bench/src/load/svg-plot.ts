// A line chart as a standalone SVG string: axes with round ticks, one polyline (with point
// markers) per series, dashed horizontal guides, a legend. Written by hand to need no package.

/** One point, in data units. */
export interface Point {
  /** x value. */
  x: number;
  /** y value. */
  y: number;
}

/** One line of the chart. */
export interface Series {
  /** Name shown in the legend. */
  name: string;
  /** CSS colour of the line. */
  color: string;
  /** Points in x order; non-finite points are left out. */
  points: Point[];
  /** Draw the line dashed (a second figure of the same subject, in the same colour). */
  dashed?: boolean;
}

/** A dashed horizontal line at a y value (a limit or a goal). */
export interface Guide {
  /** y value, in data units. */
  y: number;
  /** Label written at its right end. */
  label: string;
}

/** What the chart shows. */
export interface LineChart {
  /** Title above the plot. */
  title: string;
  /** Label under the x axis. */
  xLabel: string;
  /** Label beside the y axis. */
  yLabel: string;
  /** The lines. */
  series: Series[];
  /** Horizontal guides; the y axis extends to include them. */
  guides?: Guide[];
  /** Width of the image, px (default 720). */
  widthPx?: number;
  /** Height of the image, px (default 420). */
  heightPx?: number;
}

/** Plot-area margins, px: room for tick labels, axis labels, title and legend. */
const MARGIN = { left: 64, right: 120, top: 40, bottom: 52 };
const TARGET_TICKS = 5;

/** Builds the SVG document of `chart`. */
export function buildLineChartSvg(chart: LineChart): string {
  const widthPx = chart.widthPx ?? 720;
  const heightPx = chart.heightPx ?? 420;
  const points = chart.series.flatMap((series) => finitePoints(series.points));
  const guides = chart.guides ?? [];
  const xTicks = niceTicks(0, Math.max(1, ...points.map((point) => point.x)));
  const yTicks = niceTicks(
    0,
    Math.max(1, ...points.map((point) => point.y), ...guides.map((g) => g.y)),
  );
  const plot = {
    left: MARGIN.left,
    right: widthPx - MARGIN.right,
    top: MARGIN.top,
    bottom: heightPx - MARGIN.bottom,
  };
  const xMax = xTicks.at(-1) ?? 1;
  const yMax = yTicks.at(-1) ?? 1;
  const toX = (x: number) => round(plot.left + ((plot.right - plot.left) * x) / xMax);
  const toY = (y: number) => round(plot.bottom - ((plot.bottom - plot.top) * y) / yMax);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" ` +
      `viewBox="0 0 ${widthPx} ${heightPx}" font-family="sans-serif" font-size="12">`,
    `<rect width="${widthPx}" height="${heightPx}" fill="white"/>`,
    `<text x="${widthPx / 2}" y="22" text-anchor="middle" font-size="15">` +
      `${escapeXml(chart.title)}</text>`,
    ...axes(plot, xTicks, yTicks, toX, toY),
    ...axisLabels(chart, plot),
    ...guides.map((guide) => guideLine(guide, plot, toY)),
    ...chart.series.map((series) => seriesGroup(series, toX, toY)),
    ...legend(chart.series, plot),
    '</svg>',
    '',
  ].join('\n');
}

/** Ticks from `min` up to at least `max`, on a 1-2-5 step; the last tick is ≥ max. */
export function niceTicks(min: number, max: number): number[] {
  const span = Math.max(max - min, Number.EPSILON);
  const rough = span / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= rough) ?? 10) * magnitude;
  const first = Math.floor(min / step) * step;
  // The small tolerance keeps a max that sits on a tick (up to rounding) from adding one more.
  const intervals = Math.max(1, Math.ceil((max - first) / step - 1e-9));

  return Array.from({ length: intervals + 1 }, (_, index) => round(first + index * step));
}

/** Escapes text for an XML text node or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function finitePoints(points: readonly Point[]): Point[] {
  return points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
}

function svgLine(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}"/>`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function axes(
  plot: PlotArea,
  xTicks: number[],
  yTicks: number[],
  toX: (x: number) => number,
  toY: (y: number) => number,
): string[] {
  // Grid lines first, so the axes and the data are drawn over them.
  const grid = yTicks.map((tick) =>
    svgLine(plot.left, toY(tick), plot.right, toY(tick), '#e5e5e5'),
  );
  const lines = [
    ...grid,
    svgLine(plot.left, plot.bottom, plot.right, plot.bottom, 'black'),
    svgLine(plot.left, plot.top, plot.left, plot.bottom, 'black'),
  ];
  for (const tick of xTicks) {
    const x = toX(tick);
    lines.push(
      svgLine(x, plot.bottom, x, plot.bottom + 5, 'black'),
      `<text x="${x}" y="${plot.bottom + 18}" text-anchor="middle">${tick}</text>`,
    );
  }
  for (const tick of yTicks) {
    const y = toY(tick);
    lines.push(
      svgLine(plot.left - 5, y, plot.left, y, 'black'),
      `<text x="${plot.left - 8}" y="${y + 4}" text-anchor="end">${tick}</text>`,
    );
  }

  return lines;
}

function axisLabels(chart: LineChart, plot: PlotArea): string[] {
  const middleX = (plot.left + plot.right) / 2;
  const middleY = (plot.top + plot.bottom) / 2;

  return [
    `<text x="${middleX}" y="${plot.bottom + 40}" text-anchor="middle">` +
      `${escapeXml(chart.xLabel)}</text>`,
    `<text x="16" y="${middleY}" text-anchor="middle" transform="rotate(-90 16 ${middleY})">` +
      `${escapeXml(chart.yLabel)}</text>`,
  ];
}

function guideLine(guide: Guide, plot: PlotArea, toY: (y: number) => number): string {
  const y = toY(guide.y);

  return (
    `<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#888" ` +
    `stroke-dasharray="6 4"/>\n<text x="${plot.right + 6}" y="${y + 4}" fill="#555">` +
    `${escapeXml(guide.label)}</text>`
  );
}

function seriesGroup(
  series: Series,
  toX: (x: number) => number,
  toY: (y: number) => number,
): string {
  const points = finitePoints(series.points).map((point) => ({ x: toX(point.x), y: toY(point.y) }));
  const path = points.map((point) => `${point.x},${point.y}`).join(' ');
  const markers = points.map(
    (point) => `<circle cx="${point.x}" cy="${point.y}" r="3" fill="${series.color}"/>`,
  );

  return [
    `<g data-series="${escapeXml(series.name)}">`,
    `<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"` +
      `${dash(series)}/>`,
    ...markers,
    '</g>',
  ].join('\n');
}

function legend(series: readonly Series[], plot: PlotArea): string[] {
  return series.flatMap((entry, index) => {
    // Mid-height in the right margin: guide labels sit at the margin's top and bottom.
    const y = (plot.top + plot.bottom) / 2 - 10 * series.length + index * 20;

    return [
      `<line x1="${plot.right + 10}" y1="${y}" x2="${plot.right + 34}" y2="${y}" ` +
        `stroke="${entry.color}" stroke-width="2"${dash(entry)}/>`,
      `<text x="${plot.right + 40}" y="${y + 4}">${escapeXml(entry.name)}</text>`,
    ];
  });
}

function dash(series: Series): string {
  return series.dashed === true ? ' stroke-dasharray="5 3"' : '';
}
