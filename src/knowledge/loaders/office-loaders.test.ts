import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { buildDocx, buildOdt, buildPptx, buildWorkbook, zipParts } from '../../../test/fixtures/office-writer.js';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import type { TableSection } from '../../spec/source-location.js';
import { loadPaths } from './read-source.js';

test('Word: heading paths, CJK text, tables, and the title from the document properties', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    '人事/handbook.docx': buildDocx(
      [
        { text: 'Welcome to the handbook.' },
        { heading: 1, text: '3 Leave 休假' },
        { heading: 2, text: '3.1 Sick leave' },
        { text: 'Five days of sick leave.' },
        { heading: 2, text: '3.2 Annual leave 年假' },
        { text: '员工每年享有十二天带薪年假。' },
        {
          table: [
            ['Years 年限', 'Days 天数'],
            ['10+', '15'],
          ],
        },
        { heading: 1, text: '4 パスワード' },
        { text: 'パスワードは九十日ごとに変更してください。' },
      ],
      '员工手册 Handbook',
    ),
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  const [document] = documents;
  assert.equal(document?.title, '员工手册 Handbook');
  assert.equal(document?.category, '人事');
  assert.deepEqual(
    document?.sections?.map((section) => section.location),
    [
      {},
      { headings: ['3 Leave 休假', '3.1 Sick leave'] },
      { headings: ['3 Leave 休假', '3.2 Annual leave 年假'] },
      { headings: ['4 パスワード'] },
    ],
  );
  const annual = document?.sections?.[2];
  assert.equal(annual?.kind, 'text');
  assert.match(
    annual?.kind === 'text' ? annual.text : '',
    /^3\.2 Annual leave 年假\n\n员工每年享有十二天带薪年假。[\s\S]*Years 年限[\s\S]*15/,
  );
  assert.match(document?.content ?? '', /^Welcome to the handbook\.\n\n3 Leave 休假\n\n3\.1 Sick leave/);
});

test('PowerPoint: one section per slide in presentation order, titled, with notes and without slide numbers', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    'deck.pptx': buildPptx([
      {
        title: 'VPN 接入',
        lines: ['Install the client.', '使用公司账号登录。'],
        notes: 'Mention the help desk 帮助台.',
      },
      { title: '年次有給休暇', lines: ['十日間です。'] },
      { lines: ['A slide without a title.'] },
    ]),
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  const [document] = documents;
  assert.equal(document?.title, 'VPN 接入', 'without a title property, the first slide title');
  assert.deepEqual(document?.sections, [
    {
      kind: 'text',
      text: 'VPN 接入\nInstall the client.\n使用公司账号登录。\n\nMention the help desk 帮助台.',
      location: { slides: { from: 1, to: 1 }, headings: ['VPN 接入'] },
    },
    {
      kind: 'text',
      text: '年次有給休暇\n十日間です。',
      location: { slides: { from: 2, to: 2 }, headings: ['年次有給休暇'] },
    },
    { kind: 'text', text: 'A slide without a title.', location: { slides: { from: 3, to: 3 } } },
  ]);
});

test('OpenDocument text: outline levels make heading paths; spaces, line breaks and lists are text; comments are not', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    'policy.odt': buildOdt(
      [
        '<text:h text:outline-level="1">1 报销 Expenses</text:h>',
        '<text:p>Submit within<text:s text:c="3"/>30 days.<office:annotation><text:p>reviewer comment</text:p></office:annotation></text:p>',
        '<text:h text:outline-level="2">1.1 出張</text:h>',
        '<text:list><text:list-item><text:p>交通費<text:line-break/>宿泊費</text:p></text:list-item></text:list>',
      ].join(''),
      '经费政策',
    ),
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  assert.equal(documents[0]?.title, '经费政策');
  assert.deepEqual(documents[0]?.sections, [
    { kind: 'text', text: '1 报销 Expenses\nSubmit within   30 days.', location: { headings: ['1 报销 Expenses'] } },
    { kind: 'text', text: '1.1 出張\n交通費\n宿泊費', location: { headings: ['1 报销 Expenses', '1.1 出張'] } },
  ]);
});

for (const bookType of ['xlsx', 'ods'] as const) {
  test(`${bookType}: a document per sheet titled "workbook › sheet", rows numbered as the sheet shows them`, async (t) => {
    const folder = await temporaryFolder(t);
    await writeTree(folder, {
      [`staff.${bookType}`]: await buildWorkbook(
        {
          '员工 Staff': [['Name 姓名', 'Team', 'Leave 年假'], ['张伟', 'IT', 12], [], ['佐藤', '経理', 10]],
          Empty: [],
          Budget: [['Item'], ['Laptop, 14"']],
        },
        bookType,
      ),
    });
    const { documents, skipped } = await loadPaths([folder]);
    assert.deepEqual(skipped, []);
    assert.deepEqual(
      documents.map((document) => [document.title, basename(document.source)]),
      [
        ['staff › 员工 Staff', `staff.${bookType}#员工 Staff`],
        ['staff › Budget', `staff.${bookType}#Budget`],
      ],
    );
    const table = documents[0]?.sections?.[0] as TableSection;
    assert.equal(table.kind, 'table');
    assert.equal(table.header, 'Name 姓名 | Team | Leave 年假');
    assert.deepEqual(table.rows, [
      { number: 2, text: '张伟 | IT | 12' },
      { number: 4, text: '佐藤 | 経理 | 10' },
    ]);
    assert.deepEqual(table.location, { sheet: '员工 Staff', rows: { from: 2, to: 4 } });
    assert.equal(documents[0]?.content, 'Name 姓名 | Team | Leave 年假\n张伟 | IT | 12\n佐藤 | 経理 | 10');
  });
}

test('CSV: quoted fields with commas, quotes and line breaks; semicolon files; TSV; a byte-order mark', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    'contacts.csv': '\uFEFFName,Role,Note\n"Li, Na",IT,"says ""hi""\nand leaves"\n\n田中,経理,\n',
    'europe.csv': 'Produkt;Preis\nLaptop;1.299,00\n',
    'tabs.tsv': 'Key\tValue\n年假\t12\n',
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  const byFile = new Map(documents.map((document) => [basename(document.source), document]));
  const contacts = byFile.get('contacts.csv')?.sections?.[0] as TableSection | undefined;
  assert.deepEqual(contacts?.rows, [
    { number: 2, text: 'Li, Na | IT | says "hi" and leaves' },
    { number: 4, text: '田中 | 経理' },
  ]);
  assert.equal(byFile.get('contacts.csv')?.title, 'contacts');
  assert.equal(byFile.get('europe.csv')?.content, 'Produkt | Preis\nLaptop | 1.299,00');
  assert.equal(byFile.get('tabs.tsv')?.content, 'Key | Value\n年假 | 12');
});

test('hostile Office files are skipped with a reason: zip bombs, truncation, encryption, bad XML, entity bombs', async (t) => {
  const folder = await temporaryFolder(t);
  const valid = buildDocx([{ text: 'Some text.' }]);
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>&lol2;</text:p></office:text></office:body></office:document-content>`;
  await writeTree(folder, {
    // 70 MiB of zeros in a few hundred kilobytes: past the 64 MiB inflation budget.
    'bomb.docx': zipParts({ 'word/document.xml': new Uint8Array(70 * 1024 * 1024) }, 9),
    'truncated.docx': valid.slice(0, Math.floor(valid.length / 2)),
    'encrypted.xlsx': Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504)]),
    'renamed.pptx': 'just text with a .pptx name',
    'not-a-deck.pptx': zipParts({ 'hello.txt': 'hi' }),
    'broken.odt': zipParts({ 'content.xml': '<office:document-content><text:p>unclosed' }),
    'laughs.odt': zipParts({ 'content.xml': laughs }),
    'unclosed-quote.csv': 'a,b\n"never closed,1\n',
  });
  const { documents, skipped } = await loadPaths([folder]);
  const reasons = new Map(skipped.map((entry) => [basename(entry.path), entry.reason]));
  assert.deepEqual(documents, []);
  assert.match(reasons.get('bomb.docx') ?? '', /expands to more than 64 MiB/);
  assert.match(reasons.get('truncated.docx') ?? '', /^not a valid Word \(\.docx\) file: damaged zip archive/);
  assert.match(reasons.get('encrypted.xlsx') ?? '', /^password-protected, or an old binary Office file/);
  assert.match(reasons.get('renamed.pptx') ?? '', /not a zip archive/);
  assert.match(reasons.get('not-a-deck.pptx') ?? '', /it has no ppt\/presentation\.xml/);
  assert.match(reasons.get('broken.odt') ?? '', /^could not read OpenDocument text: /);
  assert.match(reasons.get('laughs.odt') ?? '', /^could not read OpenDocument text: .*entity/i);
  assert.match(reasons.get('unclosed-quote.csv') ?? '', /^not valid CSV: /);
  assert.equal(skipped.length, 8);
});
