import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPdf } from '../../../test/fixtures/pdf-writer.js';
import { pdfLoader } from './pdf-loader.js';
import { withoutRunningLines } from './running-lines.js';

const page = (number: number, body: string[]) => [
  '12/7/26, 5:19 AM Employee Handbook',
  ...body,
  `https://intranet.example/handbook ${number}/4`,
];

test('a browser print header and a numbered footer on every page are removed; the body stays', () => {
  const pages = [
    page(1, ['Annual leave is twelve days.']),
    page(2, ['Sick leave: call your manager.']),
    page(3, ['Expenses are due by the 5th.']),
    page(4, ['Meeting rooms are booked in the calendar.']),
  ].map((lines) => lines.join('\n'));
  assert.deepEqual(withoutRunningLines(pages), [
    'Annual leave is twelve days.',
    'Sick leave: call your manager.',
    'Expenses are due by the 5th.',
    'Meeting rooms are booked in the calendar.',
  ]);
});

test('Chinese and Japanese running titles go too; a line that recurs on few pages, or inside the body, stays', () => {
  const pages = [
    '员工手册 · 机密\n第一章 年假\n正式员工有十二天年假。\n第 1 页',
    '员工手册 · 机密\n第二章 病假\n请致电主管。\n第 2 页',
    '员工手册 · 机密\n第三章 报销\n请致电主管。\n每月五日前提交。\n第 3 页',
    '社員ハンドブック\n員工手册 · 機密\n有給休暇は十二日です。\n第 4 页',
  ];
  const cleaned = withoutRunningLines(pages);
  assert.equal(cleaned[0], '第一章 年假\n正式员工有十二天年假。');
  assert.equal(cleaned[2], '第三章 报销\n请致电主管。\n每月五日前提交。', 'a repeated body line stays');
  assert.equal(cleaned[3], '社員ハンドブック\n員工手册 · 機密\n有給休暇は十二日です。');
});

test('two pages are too few to tell furniture from content: nothing is removed', () => {
  const pages = ['Handbook\nLeave rules.\nPage 1', 'Handbook\nVPN rules.\nPage 2'];
  assert.deepEqual(withoutRunningLines(pages), pages);
});

const bodies = ['Annual leave is twelve days.', 'Sick leave: call your manager.', 'Expenses are due by the 5th.'];

test('a PDF with a running header and footer: chunks hold only the body, page locations intact', async () => {
  const bytes = buildPdf({
    title: 'Handbook',
    pages: bodies.map((body, index) => page(index + 1, [body])),
  });
  const { documents } = await pdfLoader.load({ path: '/kb/h.pdf', text: '', bytes, defaultCategory: 'kb' });
  const sections = documents[0]?.sections ?? [];
  assert.deepEqual(
    sections.map((section) => [section.kind === 'text' ? section.text : '', section.location]),
    bodies.map((body, index) => [body, { pages: { from: index + 1, to: index + 1 } }]),
  );
  assert.doesNotMatch(documents[0]?.content ?? '', /5:19 AM|intranet\.example/);
});

test('pages of one repeated shape are content: a rule that would empty most pages removes nothing', () => {
  const pages = ['Step 1', 'Step 2', 'Step 3', 'Step 4'];
  assert.deepEqual(withoutRunningLines(pages), pages);
});
