import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Response } from 'express';
import { NotFoundError } from '../errors';

export interface Asset {
  contentType: string;
  body: string;
}

export const JAVASCRIPT = 'text/javascript; charset=utf-8';
export const CSS = 'text/css; charset=utf-8';

/** The folder holding package.json above `from`: the project's root, from src/ or dist/src/. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * A page's files live beside its module in `public/`. `tsc` does not copy
 * them into dist/, so the compiled service reads them from the source tree
 * (`sourceDir`, relative to the project root); ts-jest finds them right here.
 */
export function publicDirectory(moduleDir: string, sourceDir: string, probe: string): string {
  const candidates = [join(moduleDir, 'public'), join(projectRoot(moduleDir), sourceDir, 'public')];
  const found = candidates.find((candidate) => existsSync(join(candidate, probe)));
  if (!found) throw new Error(`page assets not found in ${candidates.join(' or ')}`);
  return found;
}

/** Reads files of `dir` once, by fixed names, so no path ever comes from a request. */
export function readAssets(
  dir: string,
  files: ReadonlyArray<[name: string, contentType: string]>,
): Map<string, Asset> {
  return new Map(
    files.map(([name, contentType]) => [
      name,
      { contentType, body: readFileSync(join(dir, name), 'utf8') },
    ]),
  );
}

/** Answers one of a page's files by name; any other name is not found. */
export function sendAsset(
  files: ReadonlyMap<string, Asset>,
  name: string,
  response: Response,
): void {
  const asset = files.get(name);
  if (!asset) throw new NotFoundError('page asset', name);
  response.type(asset.contentType).setHeader('Cache-Control', 'public, max-age=300');
  response.send(asset.body);
}
