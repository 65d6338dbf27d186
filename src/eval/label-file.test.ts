import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { GemmaRagError } from '../spec/errors.js';
import { loadLabels, parseLabels } from './label-file.js';

const lines = [
  '{"question": "How do I reset my password?", "expected": {"category": "IT", "title": "Passwords"}}',
  '',
  '{"question": "broken",',
  '{"question": "Where is expected?"}',
  '{"question": "Empty title", "expected": {"category": "IT", "title": ""}}',
  '{"question": "What is the weather?", "expected": null}',
  '{"question": "Extra", "expected": null, "answer": "no"}',
  '{"question": "   ", "expected": null}',
];

test('parseLabels keeps good lines and reports each bad one with its line number', () => {
  const { labels, problems } = parseLabels(lines.join('\n'));
  assert.deepEqual(
    labels.map((label) => [label.line, label.question, label.expected]),
    [
      [1, 'How do I reset my password?', { category: 'IT', title: 'Passwords' }],
      [6, 'What is the weather?', null],
    ],
  );
  assert.deepEqual(
    problems.map((problem) => problem.line),
    [3, 4, 5, 7, 8],
  );
  assert.match(problems[0]?.reason ?? '', /not valid JSON at column \d+/);
  assert.match(problems[1]?.reason ?? '', /"expected"/);
  assert.match(problems[2]?.reason ?? '', /"expected\.title": the expected title must not be empty/);
  assert.match(problems[3]?.reason ?? '', /answer/);
  assert.match(problems[4]?.reason ?? '', /non-empty question/);
});

test('loadLabels fails with every bad line named as file:line', async (t) => {
  const folder = await temporaryFolder(t);
  const path = join(folder, 'labels.jsonl');
  await writeFile(path, lines.join('\n'));
  await assert.rejects(loadLabels(path), (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error));
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, /has 5 bad lines/);
    for (const line of [3, 4, 5, 7, 8]) assert.ok(error.message.includes(`${path}:${line}: `), `line ${line}`);
    return true;
  });
});

test('loadLabels accepts a valid file with a BOM and CRLF line ends', async (t) => {
  const folder = await temporaryFolder(t);
  const path = join(folder, 'labels.jsonl');
  await writeFile(path, `\uFEFF${lines[0]}\r\n${lines[5]}\r\n`);
  const labels = await loadLabels(path);
  assert.equal(labels.length, 2);
  assert.equal(labels[1]?.line, 2);
});
