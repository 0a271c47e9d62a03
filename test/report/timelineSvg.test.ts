import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { TIMELINE_WIDTH, timeDomain, timelineSvg } from '../../src/report/timelineSvg.js';
import { PNG_SCALE, timelinePng } from '../../src/report/timelinePng.js';
import { at, finishedRun } from './reportFixture.js';

/** Every element carrying data-kind, with its attributes: the structure the golden checks read. */
function elements(svg: string): Array<{ tag: string; attrs: Record<string, string>; text: string }> {
  const out: Array<{ tag: string; attrs: Record<string, string>; text: string }> = [];
  const re = /<(rect|line|text|circle)\s([^>]*?)\/?>(?:([^<]*(?:<tspan[^>]*>[^<]*<\/tspan>[^<]*)*)<\/\1>)?/g;
  for (const m of svg.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    out.push({ tag: m[1]!, attrs, text: (m[3] ?? '').replace(/<[^>]+>/g, '') });
  }
  return out;
}

const num = (s: string | undefined): number => Number(s);

describe('the timeline picture', () => {
  const { report } = finishedRun();
  const svg = timelineSvg(report);
  const els = elements(svg);
  const { start, end } = timeDomain(report);
  const xOf = (t: number) => 300 + ((t - start) / (end - start)) * (TIMELINE_WIDTH - 330);

  it('draws one row per phase in play, each with its planned window under its actual span', () => {
    const labels = els.filter((e) => e.attrs['data-kind'] === 'label').map((e) => e.text);
    expect(labels).toEqual(['Canary', 'Full rollout', 'Rollback']);
    const planned = els.filter((e) => e.attrs['data-kind'] === 'planned');
    const actual = els.filter((e) => e.attrs['data-kind'] === 'actual');
    expect(planned.map((e) => e.attrs['data-phase'])).toEqual(['p0', 'p1', 'p2']);
    expect(actual.map((e) => e.attrs['data-phase'])).toEqual(['p0', 'p1']);
    // Canary: planned 14:20–14:50 (after the slip), actual 14:45–14:52, so late; Full rollout on time.
    expect(num(planned[0]!.attrs['x'])).toBeCloseTo(xOf(at(14, 20)), 0);
    expect(num(planned[0]!.attrs['x']) + num(planned[0]!.attrs['width'])).toBeCloseTo(xOf(at(14, 50)), 0);
    expect(num(actual[0]!.attrs['x'])).toBeCloseTo(xOf(at(14, 45)), 0);
    expect(num(actual[0]!.attrs['x']) + num(actual[0]!.attrs['width'])).toBeCloseTo(xOf(at(14, 52)), 0);
    expect(actual.map((e) => e.attrs['data-late'])).toEqual(['true', 'false']);
    // Rows go down the picture in checklist order.
    const ys = planned.map((e) => num(e.attrs['y']));
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
  });

  it('marks the slip, the page, the gate decision, the rollback and the end at their times, in order', () => {
    const markers = els.filter((e) => e.attrs['data-kind'] === 'marker');
    expect(markers.map((m) => m.attrs['data-marker-kind'])).toEqual(['page', 'slip', 'gate_go', 'rollback', 'end']);
    expect(num(markers[1]!.attrs['x1'])).toBeCloseTo(xOf(at(14, 40)), 0);
    expect(num(markers[3]!.attrs['x1'])).toBeCloseTo(xOf(at(15, 15)), 0);
    const band = els.find((e) => e.attrs['data-kind'] === 'page-band')!;
    expect(num(band.attrs['x'])).toBeCloseTo(xOf(at(14, 35)), 0);
    expect(num(band.attrs['x']) + num(band.attrs['width'])).toBeCloseTo(xOf(at(14, 50)), 0);
    const legend = els.filter((e) => e.attrs['data-kind'] === 'legend').map((e) => e.text);
    expect(legend[1]).toBe('2 14:40 Slip +20m');
    expect(legend[2]).toBe('3 14:52 Go: Go/No-Go: widen?');
  });

  it('labels the time axis in the run’s timezone at round steps', () => {
    const ticks = els.filter((e) => e.attrs['data-kind'] === 'tick');
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(11);
    for (const t of ticks) expect(t.text).toMatch(/^\d\d:[0-5]\d$/);
    const xs = ticks.map((t) => num(t.attrs['x']));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('escapes checklist text so it can never break out of the SVG', () => {
    expect(svg).not.toContain('<b>');
    const { report: r } = finishedRun();
    r.title = 'Release </text><script>alert(1)</script>';
    expect(timelineSvg(r)).not.toContain('<script>');
    expect(timelineSvg(r)).toContain('&lt;/text&gt;&lt;script&gt;');
  });

  it('rasterises to a PNG of the SVG’s size times the scale that is not blank', () => {
    const png = PNG.sync.read(timelinePng(svg));
    const height = num(/height="(\d+)"/.exec(svg)![1]);
    expect(png.width).toBe(Math.round(TIMELINE_WIDTH * PNG_SCALE));
    expect(png.height).toBe(Math.round(height * PNG_SCALE));
    const colours = new Set<number>();
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      colours.add(png.data.readUInt32BE(i));
      if (png.data[i]! < 100 && png.data[i + 1]! < 100 && png.data[i + 2]! < 100) dark += 1;
    }
    expect(colours.size).toBeGreaterThan(20);
    // Text and lines: dark pixels, but far from all of them.
    expect(dark).toBeGreaterThan(1000);
    expect(dark).toBeLessThan((png.width * png.height) / 4);
  });
});
