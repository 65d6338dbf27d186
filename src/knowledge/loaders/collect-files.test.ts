import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import { errorCodes } from '../../spec/errors.js';
import {
  categoryOf,
  collectFiles,
  isIgnoredName,
  symbolicLinkLoopReason,
  symbolicLinkNotFollowedReason,
  symbolicLinkOutsideReason,
} from './collect-files.js';
import { loadFiles, loadPaths } from './read-source.js';

const relativeTo = (root: string, path: string) => path.slice(root.length + 1);

test('categories: first-level folder name, the root folder name at the top, the parent folder for a file root', async (t) => {
  const folder = await temporaryFolder(t);
  const root = join(folder, 'kb');
  await writeTree(root, {
    'top.md': '# top',
    '人事/年假.md': '# 年假',
    '人事/deeper/still/deeper.txt': 'deep',
    "'; DROP TABLE documents; --/bobby.txt": 'tables',
    'IT/Guide.MD': 'upper-case extension',
  });
  const { files, skipped } = await collectFiles([root]);
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    files.map((file) => [relativeTo(root, file.path), file.category, file.root]),
    [
      ["'; DROP TABLE documents; --/bobby.txt", "'; DROP TABLE documents; --", root],
      ['IT/Guide.MD', 'IT', root],
      ['top.md', 'kb', root],
      ['人事/deeper/still/deeper.txt', '人事', root],
      ['人事/年假.md', '人事', root],
    ],
  );

  const single = await collectFiles([join(root, '人事/deeper/still/deeper.txt')]);
  assert.deepEqual(single.files, [
    {
      path: join(root, '人事/deeper/still/deeper.txt'),
      root: join(root, '人事/deeper/still/deeper.txt'),
      category: 'still',
    },
  ]);
});

test('hidden entries and node_modules are passed over silently; unsupported types are reported', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, {
    'notes.md': 'kept',
    '.hidden.md': 'hidden file',
    '.git/HEAD.md': 'hidden folder',
    'node_modules/pkg/README.md': 'dependency',
    'docs/photo.PNG': 'not really a picture',
    'docs/Makefile': 'all:',
    'docs/archive.tar.gz': 'gz',
  });
  const { files, skipped } = await collectFiles([root]);
  assert.deepEqual(
    files.map((file) => relativeTo(root, file.path)),
    ['notes.md'],
  );
  assert.deepEqual(
    skipped.map((entry) => [relativeTo(root, entry.path), entry.reason]),
    [
      ['docs/Makefile', 'unsupported file type (no extension)'],
      ['docs/archive.tar.gz', 'unsupported file type (.gz)'],
      ['docs/photo.PNG', 'unsupported file type (.PNG)'],
    ],
  );
});

test('a root that does not exist is an invalid argument naming the path, before anything is walked', async (t) => {
  const root = await temporaryFolder(t);
  const missing = join(root, 'no such folder');
  await assert.rejects(collectFiles([root, missing]), (error: { code: string; message: string }) => {
    assert.equal(error.code, errorCodes.invalidArgument);
    assert.match(error.message, /no such folder does not exist/);
    return true;
  });
  await assert.rejects(collectFiles([root], { maxFileBytes: 0 }), { code: errorCodes.invalidArgument });
  await assert.rejects(collectFiles([root], { maxFileBytes: Number.NaN }), { code: errorCodes.invalidArgument });
});

test('files over the size limit are skipped with the size, the limit and the flag to raise it', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, { 'big.txt': 'x'.repeat(100), 'small.txt': 'tiny', 'bigger.md': 'y'.repeat(3 * 1024) });
  const { files, skipped } = await collectFiles([root], { maxFileBytes: 10 });
  assert.deepEqual(
    files.map((file) => basename(file.path)),
    ['small.txt'],
  );
  assert.deepEqual(
    skipped.map((entry) => [basename(entry.path), entry.reason]),
    [
      ['big.txt', 'file is 100 bytes, over the 10 bytes limit (raise it with --max-file-size)'],
      ['bigger.md', 'file is 3 KiB, over the 10 bytes limit (raise it with --max-file-size)'],
    ],
  );
});

test('a real 50 MB file is skipped by size under the default limit, quickly and without being read', async (t) => {
  const root = await temporaryFolder(t);
  const path = join(root, 'huge.txt');
  // NUL bytes: had the file been read, it would have been rejected as binary instead.
  await writeFile(path, Buffer.alloc(50 * 1024 * 1024));
  const started = performance.now();
  const { documents, skipped } = await loadPaths([root]);
  const elapsed = performance.now() - started;
  assert.deepEqual(documents, []);
  assert.deepEqual(skipped, [
    { path, reason: 'file is 50 MiB, over the 20 MiB limit (raise it with --max-file-size)' },
  ]);
  assert.ok(elapsed < 1000, `took ${elapsed} ms`);

  // loadFiles checks again when reading, in case the file grew after it was collected.
  const direct = await loadFiles([{ path, root, category: 'kb' }]);
  assert.match(direct.skipped[0]?.reason ?? '', /^file is 50 MiB, over the 20 MiB limit/);
});

test('symbolic links are not followed by default, and each one is reported', async (t) => {
  const folder = await temporaryFolder(t);
  const root = join(folder, 'kb');
  const outside = join(folder, 'outside');
  await writeTree(folder, { 'kb/docs/a.md': '# A', 'outside/secret.md': '# Secret' });
  await symlink(outside, join(root, 'elsewhere'));
  await symlink(join(root, 'docs/a.md'), join(root, 'alias.md'));

  const { files, skipped } = await collectFiles([root]);
  assert.deepEqual(
    files.map((file) => relativeTo(root, file.path)),
    ['docs/a.md'],
  );
  assert.deepEqual(
    skipped.map((entry) => [relativeTo(root, entry.path), entry.reason]),
    [
      ['alias.md', symbolicLinkNotFollowedReason],
      ['elsewhere', symbolicLinkNotFollowedReason],
    ],
  );
});

test('followed symbolic links: loops and second names are reported, no folder is walked twice, nothing hangs', async (t) => {
  const folder = await temporaryFolder(t);
  const root = join(folder, 'kb');
  const outside = join(folder, 'outside');
  await writeTree(folder, { 'kb/docs/a.md': '# A', 'kb/docs/inner/b.md': '# B', 'outside/secret.md': '# Secret' });
  await symlink('..', join(root, 'docs/up'));
  await symlink('.', join(root, 'docs/inner/here'));
  await symlink(join(root, 'docs'), join(root, 'aaa-docs-again'));
  await symlink(outside, join(root, 'elsewhere'));
  await symlink(join(root, 'docs/a.md'), join(root, 'alias.md'));
  await symlink(join(root, 'nowhere.md'), join(root, 'broken.md'));
  await symlink('self.md', join(root, 'self.md'));

  const { files, skipped } = await collectFiles([root], { followSymlinks: true });
  assert.deepEqual(
    files.map((file) => [relativeTo(root, file.path), file.category]),
    [
      ['docs/a.md', 'docs'],
      ['docs/inner/b.md', 'docs'],
    ],
  );
  assert.deepEqual(
    skipped.map((entry) => [relativeTo(root, entry.path), entry.reason]),
    [
      ['aaa-docs-again', `symbolic link to a folder already collected (${join(root, 'docs')})`],
      ['alias.md', `same file as ${join(root, 'docs/a.md')} (already collected)`],
      ['broken.md', 'broken symbolic link (its target does not exist)'],
      ['docs/inner/here', symbolicLinkLoopReason],
      ['docs/up', symbolicLinkLoopReason],
      ['elsewhere', symbolicLinkOutsideReason],
      ['self.md', symbolicLinkLoopReason],
    ],
  );

  // Only the explicit flag follows a link out of the roots.
  const anywhere = await collectFiles([root], { followSymlinksAnywhere: true });
  assert.ok(anywhere.files.some((file) => relativeTo(root, file.path) === 'elsewhere/secret.md'));
});

test('a followed link to a file outside the roots is skipped (notes/setup.txt -> a private key)', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    'kb/notes/readme.md': '# Notes',
    'home/.ssh/id_ed25519.txt': '-----BEGIN OPENSSH PRIVATE KEY-----',
  });
  await symlink(join(folder, 'home/.ssh/id_ed25519.txt'), join(folder, 'kb/notes/setup.txt'));
  const { files, skipped } = await collectFiles([join(folder, 'kb')], { followSymlinks: true });
  assert.deepEqual(
    files.map((file) => basename(file.path)),
    ['readme.md'],
  );
  assert.deepEqual(skipped, [{ path: join(folder, 'kb/notes/setup.txt'), reason: symbolicLinkOutsideReason }]);
});

test('named pipes and other special files are reported, never opened in a way that blocks', async (t) => {
  const root = await temporaryFolder(t);
  const pipe = join(root, 'pipe.txt');
  const made = spawnSync('mkfifo', [pipe]);
  if (made.status !== 0) {
    t.skip('mkfifo is not available here');
    return;
  }
  await writeTree(root, { 'ok.txt': 'fine' });
  const { files, skipped } = await collectFiles([root]);
  assert.deepEqual(
    files.map((file) => basename(file.path)),
    ['ok.txt'],
  );
  assert.deepEqual(skipped, [{ path: pipe, reason: 'not a regular file (device, socket or pipe)' }]);

  const direct = await loadFiles([{ path: pipe, root, category: 'kb' }]);
  assert.deepEqual(direct.skipped, [{ path: pipe, reason: 'not a regular file (device, socket or pipe)' }]);
});

test('an unreadable folder is reported and the rest is still collected', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, { 'open/a.md': '# A', 'locked/b.md': '# B' });
  const locked = join(root, 'locked');
  await chmod(locked, 0o000);
  let readable: boolean;
  let collected: Awaited<ReturnType<typeof collectFiles>>;
  try {
    readable = await readdir(locked).then(
      () => true,
      () => false,
    );
    collected = await collectFiles([root]);
  } finally {
    // Before the temporary folder is removed, which a non-root user cannot do inside a mode-000 folder.
    await chmod(locked, 0o755);
  }
  const { files, skipped } = collected;
  assert.ok(files.some((file) => file.path === join(root, 'open/a.md')));
  if (readable) {
    t.skip('running as a user who can read a mode-000 folder (root), so it cannot be made unreadable');
    return;
  }
  assert.deepEqual(skipped, [{ path: locked, reason: 'cannot read folder: permission denied' }]);
});

test('overlapping roots collect each file once', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, { 'docs/a.md': '# A' });
  await mkdir(join(root, 'empty'));
  const { files, skipped } = await collectFiles([root, join(root, 'docs'), join(root, 'docs/a.md')]);
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    files.map((file) => relativeTo(root, file.path)),
    ['docs/a.md'],
  );
});

test('categoryOf (used by folder watch for single files) agrees with the walk on every file', async (t) => {
  const root = await temporaryFolder(t);
  await writeTree(root, {
    'top.md': 'a',
    '人事/leave.md': 'b',
    '人事/deep/er/policy.md': 'c',
    'IT/vpn.txt': 'd',
  });
  const { files } = await collectFiles([root]);
  assert.equal(files.length, 4);
  for (const file of files) assert.equal(categoryOf(root, file.path), file.category, file.path);
  assert.equal(isIgnoredName('~$report.docx'), true, "Office's lock files are never ingested or watched");
});
