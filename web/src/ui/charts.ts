// Time-series charts of weight, temperature and humidity (uPlot: small, canvas-based, no CDN), one line per device,
// with the covenant's limits drawn as dashed lines. Live readings are appended without redrawing the page.
import uPlot from 'uplot';
import { toColumns, type Metric, type Point } from '../model/telemetry.js';
import { h, replace } from './dom.js';

const TITLES: Readonly<Record<Metric, string>> = { weight: 'Weight (kg)', temperature: 'Temperature (°C)', humidity: 'Humidity (% RH)' };
const COLOURS = ['#1f4e79', '#1a7f37', '#9a6700', '#8250df', '#b42318', '#0b5cad'];

export interface Limits {
  readonly min?: number;
  readonly max?: number;
}

/** One chart; `add` appends live points and redraws. */
export class MetricChart {
  readonly el: HTMLElement;
  #points: Point[] = [];
  #plot: uPlot | undefined;
  readonly #body: HTMLElement;

  constructor(
    private readonly metric: Metric,
    private readonly limits: Limits = {},
  ) {
    this.#body = h('div', { class: 'chart-body' });
    this.el = h('div', { class: 'chart card', 'data-metric': metric }, h('h3', {}, TITLES[metric]), this.#body);
  }

  get count(): number {
    return this.#points.filter((p) => p.metric === this.metric).length;
  }

  set(points: readonly Point[]): void {
    this.#points = points.filter((p) => p.metric === this.metric);
    this.#draw();
  }

  add(point: Point): void {
    if (point.metric !== this.metric) return;
    this.#points.push(point);
    this.#draw();
  }

  destroy(): void {
    this.#plot?.destroy();
  }

  #draw(): void {
    const { devices, data } = toColumns(this.#points, this.metric);
    if (devices.length === 0) {
      this.#plot?.destroy();
      this.#plot = undefined;
      replace(this.#body, h('p', { class: 'empty' }, 'No readings in this period.'));
      return;
    }
    const lines = [this.limits.min, this.limits.max].filter((v): v is number => v !== undefined);
    const limitSeries = lines.map((v) => data[0]!.map(() => v));
    const series: uPlot.Series[] = [
      {},
      ...devices.map((d, i) => ({ label: d, stroke: COLOURS[i % COLOURS.length]!, width: 2, spanGaps: true, points: { show: false } })),
      ...lines.map((v) => ({ label: `limit ${v}`, stroke: '#b42318', dash: [6, 4], width: 1, points: { show: false } })),
    ];
    const aligned = [...data, ...limitSeries] as uPlot.AlignedData;
    const width = Math.max(240, this.#body.clientWidth || 320);
    this.#plot?.destroy();
    replace(this.#body);
    this.#plot = new uPlot({ width, height: 180, series, axes: [{}, { size: 50 }], legend: { show: true }, cursor: { drag: { x: false, y: false } } }, aligned, this.#body);
  }
}
