import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const webDirectory = fileURLToPath(new URL('../../../web/', import.meta.url));

const assets: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** The web UI: three static files, read once, served by the same server — nothing to install. */
export function registerWebRoutes(app: Hono, options: { apiKeyRequired: boolean }): void {
  for (const [path, asset] of Object.entries(assets)) {
    let body = readFileSync(`${webDirectory}${asset.file}`, 'utf8');
    if (asset.file === 'index.html') {
      body = body.replace('data-api-key-required="false"', `data-api-key-required="${options.apiKeyRequired}"`);
    }
    app.get(path, (context) =>
      context.body(body, 200, {
        'content-type': asset.type,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      }),
    );
  }
}
