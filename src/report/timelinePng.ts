import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';

/**
 * Rasterises the timeline SVG in-process with resvg (Rust, shipped inside the npm package: no
 * browser, no native build step). Rendered at 1.5× so Slack's preview, which scales the image
 * down, keeps the 15 px labels sharp. System fonts are used; DejaVu Sans is asked for by name
 * because Debian installs it by default, and any sans font stands in where it is missing.
 */
export const PNG_SCALE = 1.5;

const OPTIONS: ResvgRenderOptions = {
  fitTo: { mode: 'zoom', value: PNG_SCALE },
  background: '#ffffff',
  font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
};

/** On the calling thread: for the CLI and tests. */
export function timelinePng(svg: string): Buffer {
  return new Resvg(svg, OPTIONS).render().asPng();
}

/**
 * On libuv's thread pool: the bot uses this, so rasterising (the costliest step of a report, see
 * bench/report.js) never holds up the event loop that acknowledges other runs' clicks.
 */
export async function timelinePngAsync(svg: string): Promise<Buffer> {
  return (await renderAsync(svg, OPTIONS)).asPng();
}
