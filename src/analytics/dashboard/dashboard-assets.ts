import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface Asset {
  contentType: string;
  body: string;
}

/**
 * The page's files live beside this module in `public/`. `tsc` does not copy
 * them into dist/, so the compiled service (dist/src/analytics/dashboard) reads
 * them from the source tree; ts-jest finds them right here.
 */
function publicDirectory(): string {
  const candidates = [
    join(__dirname, 'public'),
    resolve(__dirname, '../../../../src/analytics/dashboard/public'),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (!found) throw new Error(`dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

/** Chart.js's UMD build, from the installed package: served by us, so the page needs no CDN. */
function chartJsPath(): string {
  // The package exports only its entry points; the UMD file sits beside the CommonJS one.
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

const JS = 'text/javascript; charset=utf-8';

/** Every file the page may load, read once: the names are fixed, so no path comes from a request. */
export function loadAssets(): { page: string; files: ReadonlyMap<string, Asset> } {
  const dir = publicDirectory();
  const read = (path: string) => readFileSync(path, 'utf8');
  return {
    page: read(join(dir, 'index.html')),
    files: new Map<string, Asset>([
      ['dashboard.js', { contentType: JS, body: read(join(dir, 'dashboard.js')) }],
      [
        'dashboard.css',
        { contentType: 'text/css; charset=utf-8', body: read(join(dir, 'dashboard.css')) },
      ],
      ['chart.umd.js', { contentType: JS, body: read(chartJsPath()) }],
    ]),
  };
}
