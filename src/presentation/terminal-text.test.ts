import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forTerminal } from './terminal-text.js';

test('forTerminal removes C0 (but tab and newline), DEL and C1 controls, and keeps every other character', () => {
  assert.equal(forTerminal('a\u001b]0;PWNED\u0007b\u001b[2Jc'), 'a]0;PWNEDb[2Jc');
  assert.equal(
    forTerminal('8-bit CSI \u009b31m red, NEL \u0085, DEL \u007f, CR \r, NUL \u0000.'),
    '8-bit CSI 31m red, NEL , DEL , CR , NUL .',
  );
  assert.equal(forTerminal('tab\there\nnext line'), 'tab\there\nnext line');
  assert.equal(forTerminal('年假 · パスワード · emoji 😀 · é'), '年假 · パスワード · emoji 😀 · é');
});
