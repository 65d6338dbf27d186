import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes } from '../spec/errors.js';
import { parseDimensions } from './dimensions.js';

test('accepts whole numbers from 1 to native, as numbers or strings', () => {
  assert.equal(parseDimensions(768, 768), 768);
  assert.equal(parseDimensions('256', 768), 256);
  assert.equal(parseDimensions(' 128 ', 768), 128);
  assert.equal(parseDimensions(1, 768), 1);
});

for (const bad of [0, 1000, 'abc', '', '12.5', 12.5, -128, '1e2', null, undefined]) {
  test(`rejects ${JSON.stringify(bad)} with INVALID_DIMENSIONS naming the value`, () => {
    assert.throws(
      () => parseDimensions(bad, 768),
      (error: { code?: string; message?: string }) =>
        error.code === errorCodes.invalidDimensions && (error.message ?? '').includes('768'),
    );
  });
}
