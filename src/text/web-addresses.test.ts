import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ungroundedAddresses } from '../answer/answer-grounding.js';
import { webAddresses } from './web-addresses.js';

test('web and mail addresses are found and compared by host and path, whatever the scheme, case or trailing stop', () => {
  assert.deepEqual(webAddresses('请访问 https://Password.example.com/ 重置。Mail it@example.com.'), [
    'password.example.com',
    'it@example.com',
  ]);
  assert.deepEqual(webAddresses('See www.example.org/help/vpn, then report.pdf, version 1.2 and 3.14.'), [
    'example.org/help/vpn',
  ]);
});

test("an answer's address that its sources do not give is ungrounded", () => {
  const document = 'Reset your password at https://password.example.com; the helpdesk is it@example.com.';
  assert.deepEqual(ungroundedAddresses('Go to password.example.com or write to it@example.com.', [document]), []);
  assert.deepEqual(ungroundedAddresses('Log in to confirm: http://evil.example.net/login', [document]), [
    'evil.example.net/login',
  ]);
});

test('a Markdown link is its address, not the address with the brackets after it', () => {
  const answer =
    'It is [https://password.example.com/](https://password.example.com/). See [the portal](https://it.example.com/help).';
  assert.deepEqual(webAddresses(answer), ['password.example.com', 'password.example.com', 'it.example.com/help']);
  assert.deepEqual(
    ungroundedAddresses(answer, ['Reset it at https://password.example.com or it.example.com/help.']),
    [],
  );
});
