import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes } from '../spec/errors.js';
import { calibrationKeyFor, defaultRouteName, resolveRoute } from './route.js';

test('no request is the default route, with no fallback and the default top-k', () => {
  const route = resolveRoute();
  assert.equal(route.name, defaultRouteName);
  assert.equal(route.categoryFallback, null);
  assert.equal(route.topK, 5);
});

test('each route has its stages, keyword fusion and calibration key', () => {
  assert.deepEqual(
    ['two-stage', 'flat', 'hybrid'].map((mode) => {
      const route = resolveRoute({ mode: mode as 'two-stage' });
      return [route.stages, route.keywords, route.calibrationKey];
    }),
    [
      ['two-stage', false, 'two-stage'],
      ['flat', false, 'flat'],
      ['flat', true, 'hybrid'],
    ],
  );
  const fused = resolveRoute({ mode: 'two-stage', hybrid: true });
  assert.deepEqual([fused.stages, fused.keywords, fused.calibrationKey], ['two-stage', true, 'two-stage+keywords']);
  assert.equal(calibrationKeyFor({ mode: 'two-stage', hybrid: true }), 'two-stage+keywords');
});

test('a fallback in the request wins over the calibrated one; 1 turns it off; none keeps the calibrated', () => {
  const calibrated = { categoryFallback: { categories: 3, margin: 0.2 } };
  assert.deepEqual(resolveRoute({ mode: 'two-stage' }, calibrated).categoryFallback, { categories: 3, margin: 0.2 });
  assert.deepEqual(resolveRoute({ mode: 'two-stage', categoryFallback: 2 }, calibrated).categoryFallback, {
    categories: 2,
    margin: 0.05,
  });
  assert.equal(resolveRoute({ mode: 'two-stage', categoryFallback: 1 }, calibrated).categoryFallback, null);
  assert.equal(resolveRoute({ mode: 'flat' }, calibrated).categoryFallback, null, 'flat routes have no stage 1');
});

test('settings that only make sense in two stages are refused on flat routes, naming the mode', () => {
  for (const request of [
    { mode: 'flat' as const, hybrid: true },
    { mode: 'hybrid' as const, categoryFallback: 2 },
  ]) {
    assert.throws(
      () => resolveRoute(request),
      (error: { code: string; message: string }) => {
        assert.equal(error.code, errorCodes.invalidArgument);
        assert.match(error.message, new RegExp(`The ${request.mode} route has no category stage`));
        return true;
      },
    );
  }
});

test('out-of-range and unknown fields are INVALID_ARGUMENT', () => {
  for (const request of [
    { mode: 'sideways' },
    { topK: 0 },
    { topK: 101 },
    { relativeCutoff: 2 },
    { categoryFallback: 0 },
    { categoryMargin: -0.1 },
    { extra: true },
  ]) {
    assert.throws(() => resolveRoute(request as never), { code: errorCodes.invalidArgument }, JSON.stringify(request));
  }
});

test('a filter keeps every value asked for: tags normalized as at ingest, repeats dropped, none capped', () => {
  const tags = Array.from({ length: 100 }, (_, index) => `Tag ${index}`);
  const route = resolveRoute({ tags: [...tags, 'ＴＡＧ 0'], categories: ['HR', 'HR'], documents: ['a.md'] });
  assert.deepEqual(route.filter, {
    categories: ['HR'],
    documents: ['a.md'],
    tags: tags.map((tag) => tag.toLowerCase()),
  });
  assert.equal(resolveRoute({}).filter, null);
  assert.throws(() => resolveRoute({ tags: ['x'.repeat(150)] }), { code: 'INVALID_ARGUMENT' });
});
