import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { buildDocx, buildOdt, buildPptx, buildWorkbook } from '../../test/fixtures/office-writer.js';
import { buildPdf } from '../../test/fixtures/pdf-writer.js';
import { runCli } from '../../test/fixtures/run-cli.js';
import { temporaryFolder, writeTree } from '../../test/fixtures/temporary-files.js';
import type { AskJson } from '../presentation/ask-json.js';

const lexical = ['--engine', 'lexical'];

test('every format ingests from a generated file and then answers its own question', async (t) => {
  const folder = await temporaryFolder(t);
  const filler = (topic: string) =>
    Array.from({ length: 3 }, (_, index) => `Unrelated paragraph ${index} about ${topic} and the cafeteria menu.`);
  await writeTree(folder, {
    'Docs/leave.docx': buildDocx([
      { heading: 1, text: 'Leave' },
      ...filler('meetings').map((text) => ({ text })),
      { heading: 2, text: 'Parental leave' },
      { text: 'Parental leave lasts sixteen weeks at full pay.' },
    ]),
    'Docs/vpn.pptx': buildPptx([
      { title: 'Agenda', lines: filler('printers') },
      { title: 'VPN', lines: ['The VPN gateway is vpn.example.com on port 443.'] },
    ]),
    'Docs/expenses.odt': buildOdt(
      '<text:h text:outline-level="1">出差报销</text:h><text:p>出差报销必须在三十天内提交发票原件。</text:p>',
    ),
    'Docs/staff.xlsx': await buildWorkbook(
      {
        Staff: [
          ['Name', 'Desk', 'Phone'],
          ...Array.from({ length: 60 }, (_, index) => [`Person${index}`, `D${index}`, `555-01${index}`]),
          ['Xiomara Quintero', 'Desk 7F-12', '555-0199'],
        ],
      },
      'xlsx',
    ),
    'Docs/rooms.ods': await buildWorkbook(
      {
        会議室: [
          ['部屋', '定員'],
          ['富士山', '十二名'],
        ],
      },
      'ods',
    ),
    'Docs/assets.csv': 'Asset,Owner\nLaptop LX-4471,Facilities\nProjector PJ-88,AV team\n',
    'Docs/manual.pdf': buildPdf({ pages: [filler('parking'), ['The fire assembly point is the north car park.']] }),
  });
  const db = join(folder, 'formats.db');
  const ingest = await runCli(['ingest', folder, '--db', db, ...lexical, '--json']);
  assert.equal(ingest.exitCode, 0, ingest.stderr);
  const report = ingest.json() as { added: number; skipped: unknown[] };
  assert.deepEqual(report.skipped, []);
  assert.equal(report.added, 7);

  // Each answer cites its file and the place in it: heading path, slide, sheet rows, page.
  const cases: Array<[string, RegExp, RegExp, RegExp]> = [
    ['How long is parental leave?', /^Leave$/, /sixteen weeks/, /^leave\.docx · Leave › Parental leave$/],
    ['What is the VPN gateway port?', /^VPN$|^Agenda$/, /vpn\.example\.com/, /^vpn\.pptx slide 2 · VPN$/],
    ['出差报销的发票要多久内提交？', /^出差报销$/, /三十天/, /^expenses\.odt · 出差报销$/],
    [
      'Which desk is Xiomara Quintero at?',
      /^staff › Staff$/,
      /^Name \| Desk \| Phone\n(.*\n)*Xiomara Quintero \| Desk 7F-12/,
      /^staff\.xlsx sheet Staff, rows \d+–62$/,
    ],
    ['富士山の会議室の定員は？', /^rooms › 会議室$/, /富士山 \| 十二名/, /^rooms\.ods sheet 会議室, row 2$/],
    ['Who owns laptop LX-4471?', /^assets$/, /Laptop LX-4471 \| Facilities/, /^assets\.csv rows 2–3$/],
    ['Where is the fire assembly point?', /^manual$/, /north car park/, /^manual\.pdf pp?\. (1–)?2$/],
  ];
  for (const [question, title, chunk, cite] of cases) {
    const run = await runCli(['ask', question, '--db', db, ...lexical, '--mode', 'flat', '--no-generate', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    const answer = run.json() as unknown as AskJson;
    assert.match(answer.document?.title ?? '(refused)', title, question);
    const best = [...answer.citations].sort((left, right) => right.score - left.score)[0];
    assert.match(best?.chunk ?? '', chunk, question);
    assert.match(best?.cite ?? '', cite, question);
  }
  const listJson = (await runCli(['kb', 'list', '--db', db, '--json'])).json() as {
    categories: Array<{ name: string; documents: number; chunks: number; pages: number }>;
    documents: Array<{ title: string; pages: number | null; ingestedAt: string }>;
  };
  assert.deepEqual(
    listJson.categories.map(({ name, documents, pages }) => [name, documents, pages]),
    [['Docs', 7, 2]],
  );
  assert.equal(listJson.documents.find((document) => document.title === 'manual')?.pages, 2);
  assert.equal(listJson.documents.find((document) => document.title === 'assets')?.pages, null);
  for (const document of listJson.documents) assert.ok(Date.now() - Date.parse(document.ingestedAt) < 3_600_000);
  const list = (await runCli(['kb', 'list', '--db', db])).stdout;
  assert.match(list, /^Docs {2}\(7 documents, \d+ chunks, 2 pages\)$/m);
  assert.match(list, /^ {2}manual {2}\[1 chunk, 2 pages\] {2}ingested \d{4}-\d\d-\d\d \d\d:\d\d {2}\//m);
  for (const file of [
    'leave.docx',
    'vpn.pptx',
    'expenses.odt',
    'staff.xlsx#Staff',
    'rooms.ods#会議室',
    'assets.csv',
    'manual.pdf',
  ])
    assert.ok(list.includes(file), `${file} listed:\n${list}`);
  assert.equal(basename(db), 'formats.db');
});
