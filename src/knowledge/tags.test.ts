import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxTagsPerDocument, mergeTags, normalizeTag, tagsFrom } from './tags.js';

test('tags: one normalization for every source — width, case, spaces', () => {
  assert.equal(normalizeTag(' ＨＲ '), 'hr');
  assert.equal(normalizeTag('Annual   Leave'), 'annual leave');
  assert.equal(normalizeTag('人事'), '人事');
  assert.equal(normalizeTag('   '), undefined);
  assert.equal(normalizeTag('x'.repeat(101)), undefined);
});

test('tags: lists, comma-separated strings (also CJK commas), numbers; junk yields none', () => {
  assert.deepEqual(tagsFrom(['HR', 'hr', ' Leave ']), ['hr', 'leave']);
  assert.deepEqual(tagsFrom('hr, leave，人事、财务'), ['hr', 'leave', '人事', '财务']);
  assert.deepEqual(tagsFrom(2024), ['2024']);
  assert.deepEqual(tagsFrom({ tag: 'x' }), []);
  assert.deepEqual(tagsFrom([{ nested: true }, null, 'ok']), ['ok']);
  assert.equal(tagsFrom(Array.from({ length: 500 }, (_, i) => `t${i}`)).length, maxTagsPerDocument);
});

test('tags: a document keeps its own tags first and gains the ingest-wide ones once', () => {
  assert.deepEqual(mergeTags(['b', 'a'], ['A', 'c']), ['b', 'a', 'c']);
  assert.deepEqual(mergeTags(undefined, []), []);
});
