import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ungroundedNumbers } from '../answer/answer-grounding.js';
import { digitNumbers, statedNumbers } from './numbers.js';

test('digit numbers are read canonically: separators, full width, decimals; list markers are not numbers', () => {
  assert.deepEqual(digitNumbers('1,000 people, ２０１５, 2.50%, 007, 10:00'), ['1000', '2015', '2.5', '7', '10', '0']);
  assert.deepEqual(digitNumbers('1. Open the portal\n2) Enter the code 4821\n3、完成'), ['4821']);
});

test('a source states numbers in digits, Chinese/Japanese numerals and English words', () => {
  const stated = statedNumbers(
    '年假十二天，满一年加两天，上限二十天；二〇二三年起。Four Pro Bowl selections, the third one in twenty-five years.',
  );
  for (const number of ['12', '2', '20', '2023', '4', '3', '25', '1']) assert.ok(stated.has(number), number);
  assert.ok(statedNumbers('三万人').has('30000'));
  assert.ok(statedNumbers('two hundred').has('200'));
});

test("an answer's numbers that its documents and question do not state are ungrounded, however either writes them", () => {
  const document = '会议室可容纳十二人。预订请提前2天，费用为每小时1,500日元。';
  assert.deepEqual(ungroundedNumbers('会议室的 Wi-Fi 密码是 1234567890。', [document]), ['1234567890']);
  assert.deepEqual(ungroundedNumbers('可容纳12人，需提前两天（2天）预订，每小时1500日元。', [document]), []);
  assert.deepEqual(ungroundedNumbers('He had 4 Pro Bowl selections.', ['boasting four Pro Bowl selections']), []);
  assert.deepEqual(ungroundedNumbers('He had 1 Pro Bowl selection.', ['boasting four Pro Bowl selections']), ['1']);
  assert.deepEqual(ungroundedNumbers('About 30 of them.', ['What happened to 30 of them?']), []);
  assert.deepEqual(ungroundedNumbers('No numbers here.', []), []);
});

test('an answer cut off in the middle of a number is grounded by the number it starts', () => {
  const document = '达德利·辛普森为1973年的剧集作曲。';
  assert.deepEqual(ungroundedNumbers('他的作品包括他为19', [document]), []);
  assert.deepEqual(ungroundedNumbers('他的作品包括他为19。', [document]), ['19'], 'a finished number must be stated');
  assert.deepEqual(ungroundedNumbers('他为28', [document]), ['28']);
});

test('a month named in English grounds its number; a list cut off after its marker is not a number', () => {
  assert.deepEqual(ungroundedNumbers('交易所于1991年4月重建。', ['The WSE was re-established in April 1991.']), []);
  assert.deepEqual(ungroundedNumbers('考虑包括：\n\n1. 建筑设计。\n\n2', ['Designs matter.']), []);
  assert.deepEqual(
    ungroundedNumbers('10', ['The inlet temperature is 565 °C.']),
    ['10'],
    'a lone number answer is a number',
  );
});
