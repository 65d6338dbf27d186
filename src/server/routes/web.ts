import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { ServerEnv } from '../knowledge-base-scope.js';

const webDirectory = fileURLToPath(new URL('../../../web/', import.meta.url));

const assets: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/markdown.js': { file: 'markdown.js', type: 'text/javascript; charset=utf-8' },
  '/upload.js': { file: 'upload.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * Answers are Markdown written by a model that read untrusted documents: the page renders them
 * with marked and sanitizes the HTML with DOMPurify, both served as they ship in node_modules
 * (each file carries its licence header) — still no build step.
 */
const vendorModules: Record<string, string> = {
  '/vendor/marked.js': 'marked',
  '/vendor/purify.js': 'dompurify',
};

/** No inline script, nothing from elsewhere: what a sanitizer missed still could not run. */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The web UI: its static files and two libraries, read once, served by the same server — nothing to install. */
export function registerWebRoutes(app: Hono<ServerEnv>, options: { apiKeyRequired: boolean }): void {
  for (const [path, specifier] of Object.entries(vendorModules)) {
    const body = readFileSync(fileURLToPath(import.meta.resolve(specifier)), 'utf8');
    app.get(path, (context) =>
      context.body(body, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      }),
    );
  }
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
        ...(asset.file === 'index.html' ? { 'content-security-policy': contentSecurityPolicy } : {}),
      }),
    );
  }
}
