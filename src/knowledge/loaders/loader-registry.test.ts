import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentLoaders, loaderForPath, supportedExtensions } from './loader-registry.js';

test('loaders are chosen by extension, ignoring case; unknown extensions have none', () => {
  assert.equal(loaderForPath('/kb/a.JSON')?.format, 'JSON knowledge base');
  assert.equal(loaderForPath('/kb/a.jsonl')?.format, 'JSON Lines');
  assert.equal(loaderForPath('/kb/a.Markdown')?.format, 'Markdown');
  assert.equal(loaderForPath('/kb/a.md')?.format, 'Markdown');
  assert.equal(loaderForPath('/kb/a.txt')?.format, 'plain text');
  assert.equal(loaderForPath('/kb/a.HTM')?.format, 'HTML');
  assert.equal(loaderForPath('/kb/a.pdf')?.needsText, false);
  assert.equal(loaderForPath('/kb/a.DOCX')?.format, 'Word');
  assert.equal(loaderForPath('/kb/a.xlsx')?.format, 'Excel');
  assert.equal(loaderForPath('/kb/a.key'), undefined);
  assert.equal(loaderForPath('/kb/README'), undefined);
  assert.equal(loaderForPath('/kb/.md'), undefined, 'a dot file has no extension');
});

test('every extension belongs to exactly one loader and is written lower-case with its dot', () => {
  const all = documentLoaders.flatMap((loader) => loader.extensions);
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual([...supportedExtensions].sort(), [...all].sort());
  for (const extension of all) assert.match(extension, /^\.[a-z0-9]+$/);
});
