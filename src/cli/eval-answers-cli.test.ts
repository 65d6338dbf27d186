import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../test/fixtures/run-cli.js';

test('eval answers rejects bad flags before loading any model', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /Give --data <XQuAD folder>, or --kb <file> with --labels <file>/],
    [['--kb', 'kb.json'], /--kb and --labels go together/],
    [['--data', 'x', '--kb', 'kb.json', '--labels', 'l.jsonl'], /either --data \(XQuAD\) or --kb/],
    [['--data', 'x', '--prompt', 'seed,nope'], /--prompt must list prompts from seed, seed-marked, seed-focus, marked/],
    [['--data', 'x', '--held-out', '1'], /--held-out must be between 0 and 1/],
    [['--data', 'x', '--temperature', 'hot'], /--temperature must be a number from 0 to 2/],
  ];
  for (const [flags, message] of cases) {
    const run = await runCli(['eval', 'answers', '--engine', 'lexical', ...flags]);
    assert.notEqual(run.exitCode, 0, flags.join(' '));
    assert.match(run.stderr, message, flags.join(' '));
  }
});
