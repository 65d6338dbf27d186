import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citationLabel, describeLocation } from './cite-location.js';

test('a place reads as page, slide or sheet rows, then the heading path', () => {
  assert.equal(
    describeLocation({ pages: { from: 12, to: 12 }, headings: ['3 Leave', '3.2 Annual leave'] }),
    'p. 12 · 3 Leave › 3.2 Annual leave',
  );
  assert.equal(describeLocation({ pages: { from: 12, to: 13 } }), 'pp. 12–13');
  assert.equal(describeLocation({ slides: { from: 4, to: 4 }, headings: ['VPN 接入'] }), 'slide 4 · VPN 接入');
  assert.equal(describeLocation({ sheet: '员工', rows: { from: 2, to: 40 } }), 'sheet 员工, rows 2–40');
  assert.equal(describeLocation({ rows: { from: 7, to: 7 } }), 'row 7');
  assert.equal(describeLocation({}), '');
  assert.equal(describeLocation(undefined), '');
});

test('a citation names the file, or the title for records and documents that are not files', () => {
  const pages = { pages: { from: 12, to: 12 }, headings: ['3.2 Annual leave'] };
  assert.equal(
    citationLabel({ title: '手册', source: '/kb/HR/handbook.pdf', location: pages }),
    'handbook.pdf p. 12 · 3.2 Annual leave',
  );
  assert.equal(
    citationLabel({
      title: 'staff › Q1',
      source: '/kb/staff.xlsx#Q1',
      location: { sheet: 'Q1', rows: { from: 2, to: 9 } },
    }),
    'staff.xlsx sheet Q1, rows 2–9',
  );
  assert.equal(citationLabel({ title: '年假规定', source: '/kb/kb.json#HR/年假规定#1' }), '年假规定');
  assert.equal(citationLabel({ title: 'Note', source: 'api:HR/Note' }), 'Note');
  assert.equal(citationLabel({ title: 'Old', source: '/kb/old.md' }), 'old.md');
});
