import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  Asset,
  CSS,
  JAVASCRIPT,
  publicDirectory,
  readAssets,
} from '../../common/http/static-assets';

/** Chart.js's UMD build, from the installed package: served by us, so the page needs no CDN. */
function chartJsPath(): string {
  // The package exports only its entry points; the UMD file sits beside the CommonJS one.
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

/** Every file the page may load, read once: the names are fixed, so no path comes from a request. */
export function loadAssets(): { page: string; files: ReadonlyMap<string, Asset> } {
  const dir = publicDirectory(__dirname, 'src/analytics/dashboard', 'index.html');
  const files = readAssets(dir, [
    ['dashboard.js', JAVASCRIPT],
    ['dashboard.css', CSS],
  ]);
  files.set('chart.umd.js', { contentType: JAVASCRIPT, body: readFileSync(chartJsPath(), 'utf8') });
  return { page: readFileSync(join(dir, 'index.html'), 'utf8'), files };
}
