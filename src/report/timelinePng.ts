import { Resvg } from '@resvg/resvg-js';

/**
 * Rasterises the timeline SVG in-process with resvg (Rust, shipped inside the npm package: no
 * browser, no native build step). Rendered at 1.5× so Slack's preview, which scales the image
 * down, keeps the 15 px labels sharp. System fonts are used; DejaVu Sans is asked for by name
 * because Debian installs it by default, and any sans font stands in where it is missing.
 */
export const PNG_SCALE = 1.5;

export function timelinePng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
