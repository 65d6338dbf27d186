import assert from 'node:assert/strict';
import { chmod, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import type { DocumentLoader } from '../../spec/document-loader.js';
import { errorCodes } from '../../spec/errors.js';
import type { CollectedFile } from './collect-files.js';
import { loadFiles, loadPaths } from './read-source.js';

const reasonsByFile = (skipped: readonly { path: string; reason: string }[]) =>
  new Map(skipped.map((entry) => [basename(entry.path), entry.reason]));

test('hostile text files are skipped with a reason while the good ones load', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, {
    'good.md': '# Good\n\nStill loads.',
    'empty.txt': '',
    'blank.md': ' \n\t\n',
    'nul.txt': Uint8Array.from([0x68, 0x69, 0x00, 0x21]),
    'latin1.txt': Uint8Array.from([0x63, 0x61, 0x66, 0xe9]),
    'gbk.txt': Uint8Array.from([0xc4, 0xea, 0xbc, 0xd9]),
    'image.png.txt': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    'kb.json': '[{ "category": "IT", "documents": [{ "title": "A", "content": "B" }] }',
  });
  const { documents, skipped } = await loadPaths([root]);
  assert.deepEqual(
    documents.map((document) => document.title),
    ['Good'],
  );
  const reasons = reasonsByFile(skipped);
  assert.equal(reasons.get('empty.txt'), 'empty file');
  assert.equal(reasons.get('blank.md'), 'no text content (Markdown)');
  assert.equal(reasons.get('nul.txt'), 'binary content (NUL bytes)');
  assert.equal(reasons.get('image.png.txt'), 'binary content (NUL bytes)');
  assert.match(reasons.get('latin1.txt') ?? '', /^not valid UTF-8 text/);
  assert.match(reasons.get('gbk.txt') ?? '', /^not valid UTF-8 text/);
  assert.match(reasons.get('kb.json') ?? '', /not valid JSON at line 1/);
  assert.equal(skipped.length, 7);
});

test('a byte-order mark is dropped, CRLF and CR become LF, and UTF-16 with a byte-order mark is read', async (t) => {
  const root = await temporaryFolder(t);
  const utf16 = (text: string, bigEndian: boolean) => {
    const bytes = Buffer.from(`\uFEFF${text}`, 'utf16le');
    return bigEndian ? bytes.swap16() : bytes;
  };
  await writeTree(root, {
    'bom.txt': '\uFEFF年假\r\n十二天\rend\r\n',
    'notepad.txt': utf16('有給休暇\r\n十日間', false),
    'big-endian.txt': utf16('Big endian', true),
  });
  const { documents, skipped } = await loadPaths([root]);
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    documents.map((document) => [basename(document.source), document.content]),
    [
      ['big-endian.txt', 'Big endian'],
      ['bom.txt', '年假\n十二天\nend'],
      ['notepad.txt', '有給休暇\n十日間'],
    ],
  );
});

test('an unreadable file is skipped with the reason', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, { 'secret.txt': 'classified', 'open.txt': 'public' });
  const secret = join(root, 'secret.txt');
  await chmod(secret, 0o000);
  const readable = await readFile(secret).then(
    () => true,
    () => false,
  );
  const { documents, skipped } = await loadPaths([root]);
  assert.ok(documents.some((document) => document.content === 'public'));
  if (readable) {
    t.skip('running as a user who can read a mode-000 file (root), so it cannot be made unreadable');
    return;
  }
  assert.deepEqual(skipped, [{ path: secret, reason: 'cannot read file: permission denied' }]);
});

test('a file that vanished after collection, or a loader that throws, costs only that file', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, { 'gone.txt': 'soon deleted', 'boom.txt': 'the loader throws', 'fine.txt': 'loads' });
  const files: CollectedFile[] = ['gone.txt', 'boom.txt', 'fine.txt', 'data.csv'].map((name) => ({
    path: join(root, name),
    root,
    category: 'kb',
  }));
  await rm(join(root, 'gone.txt'));
  const throwing: DocumentLoader = {
    format: 'exploding',
    extensions: ['.txt'],
    needsText: true,
    async load({ path, text, defaultCategory }) {
      if (text.includes('throws')) throw new Error('kaboom');
      return { documents: [{ category: defaultCategory, title: 'ok', content: text, source: path }], skipped: [] };
    },
  };
  const progress: string[] = [];
  const { documents, skipped } = await loadFiles(files, {
    loaderFor: (path) => (path.endsWith('.txt') ? throwing : undefined),
    onProgress: ({ done, total, path }) => progress.push(`${done}/${total} ${basename(path)}`),
  });
  assert.deepEqual(
    documents.map((document) => document.content),
    ['loads'],
  );
  assert.deepEqual(
    skipped.map((entry) => [basename(entry.path), entry.reason]),
    [
      ['gone.txt', 'cannot read file: it no longer exists'],
      ['boom.txt', 'exploding loader failed: kaboom'],
      ['data.csv', 'unsupported file type (.csv)'],
    ],
  );
  assert.deepEqual(progress, ['1/4 gone.txt', '2/4 boom.txt', '3/4 fine.txt', '4/4 data.csv']);
});

test('loading stops with ABORTED when the signal fires', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, { 'a.txt': 'a' });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(loadPaths([root], { signal: controller.signal }), { code: errorCodes.aborted });
});

test('loadPaths reads every format in one folder tree, collection and loading problems in one list', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, {
    'kb.json': '[{ "category": "人事", "documents": [{ "title": "年假", "content": "十二天。" }] }]',
    'IT/records.jsonl': '{"title":"VPN","content":"Connect first."}\n{"title":""}\n',
    'IT/guide.md': '# Wi-Fi\n\nUse the staff network.',
    '総務/memo.txt': '会議は月曜日です。',
    '総務/page.html': '<p>本日は休業日です。</p>',
    'notes.key': 'unsupported',
  });
  const { documents, skipped } = await loadPaths([root]);
  assert.deepEqual(
    documents.map((document) => [document.category, document.title]),
    [
      ['IT', 'Wi-Fi'],
      ['IT', 'VPN'],
      ['人事', '年假'],
      ['総務', 'memo'],
      ['総務', 'page'],
    ],
  );
  assert.deepEqual(
    skipped.map((entry) => [entry.path.slice(root.length + 1), entry.reason]),
    [
      ['notes.key', 'unsupported file type (.key)'],
      [
        'IT/records.jsonl:2',
        '"title": a document needs a non-empty title; "content": Invalid input: expected string, received undefined',
      ],
    ],
  );
});
