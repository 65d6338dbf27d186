// The gemma-rag web UI: plain modules, no build step, served by `gemma-rag serve`.
import { renderMarkdown } from '/markdown.js';
import { setUpUploads } from '/upload.js';

const $ = (id) => document.getElementById(id);
const keyRequired = document.body.dataset.apiKeyRequired === 'true';

// The key lives for this tab's session (sessionStorage) unless the user asks to be remembered on
// this device (localStorage): a key left in localStorage outlives the session on a shared machine.
const keyName = 'gemma-rag-api-key';

function apiKey() {
  return sessionStorage.getItem(keyName) ?? localStorage.getItem(keyName) ?? '';
}

async function askForKey() {
  const dialog = $('key-dialog');
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  const key = $('api-key').value.trim();
  if ($('remember-key').checked) {
    localStorage.setItem(keyName, key);
    sessionStorage.removeItem(keyName);
  } else {
    sessionStorage.setItem(keyName, key);
    localStorage.removeItem(keyName);
  }
}

function authorization() {
  return apiKey() ? { authorization: `Bearer ${apiKey()}` } : {};
}

async function api(path, options = {}) {
  const headers = { 'content-type': 'application/json', ...authorization(), ...(options.headers ?? {}) };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 && keyRequired) {
    await askForKey();
    return api(path, options);
  }
  return response;
}

/**
 * The knowledge base the page works on, by name; every request about it goes to its own routes
 * (`/api/kb/{name}/…`), which work whether the server serves one knowledge base or several.
 */
let knowledgeBase = null;

function knowledgeBasePath(rest = '') {
  return knowledgeBase === null ? (rest === '' ? '/api/kb' : `/api${rest}`) : `/api/kb/${encodeURIComponent(knowledgeBase)}${rest}`;
}

/** The knowledge bases the key opens (GET /api/kbs); a selector when there are several. */
async function loadKnowledgeBases() {
  const response = await api('/api/kbs');
  if (!response.ok) return;
  const { knowledgeBases } = await response.json();
  const names = knowledgeBases.map((entry) => entry.name);
  const remembered = localStorage.getItem('gemma-rag-kb');
  knowledgeBase = names.includes(remembered) ? remembered : (names[0] ?? null);
  const select = $('kb-select');
  select.replaceChildren(
    ...knowledgeBases.map((entry) =>
      element('option', { value: entry.name }, `${entry.name} (${entry.documents} documents)`),
    ),
  );
  if (knowledgeBase !== null) select.value = knowledgeBase;
  $('kb-choice').hidden = names.length < 2;
  $('kb-none').hidden = names.length > 0;
  $('ask-button').disabled = names.length === 0;
  if (names.length === 0) {
    $('kb').replaceChildren();
    return;
  }
  await loadKnowledgeBase();
}

function chooseKnowledgeBase() {
  knowledgeBase = $('kb-select').value;
  localStorage.setItem('gemma-rag-kb', knowledgeBase);
  newThread();
  $('source').hidden = true;
  void loadKnowledgeBase();
}

async function changeKey() {
  await askForKey();
  await loadKnowledgeBases();
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const score = (value) => (typeof value === 'number' ? value.toFixed(3) : '–');
/** "1 chunk", "3 chunks". */
const countOf = (count, singular, plural = `${singular}s`) => `${count} ${count === 1 ? singular : plural}`;

/** How a follow-up was understood: the standalone question that was searched. */
function condensedStage(condensed) {
  const how = condensed.method === 'language-model' ? 'rewritten' : 'joined to the previous question';
  return element(
    'span',
    { class: 'stage', 'data-testid': 'stage-condensed', title: how },
    `Understood as: ${condensed.standalone}`,
  );
}

/** "Best" is the highest cosine, as in the CLI: hybrid lists documents in fused order. */
const highest = (entries = []) => entries.reduce((best, entry) => (best && best.score >= entry.score ? best : entry), undefined);

function renderStages(result) {
  const stages = $('stages');
  stages.replaceChildren();
  if (result.condensed) stages.append(condensedStage(result.condensed));
  const categoryThreshold = result.thresholds?.category;
  if (result.mode === 'two-stage') {
    const best = highest(result.scores?.categories);
    const chosen = result.category;
    stages.append(
      element(
        'span',
        { class: `stage${chosen ? '' : ' missed'}`, 'data-testid': 'stage-category' },
        `Category: ${chosen ? chosen.name : best ? `${best.name} (below ${categoryThreshold})` : 'none'}`,
        element('span', { class: 'score' }, score(chosen?.score ?? best?.score)),
      ),
    );
  }
  const chosenDocument = result.document;
  const bestDocument = highest(result.scores?.documents);
  stages.append(
    element(
      'span',
      { class: `stage${chosenDocument ? '' : ' missed'}`, 'data-testid': 'stage-document' },
      `Document: ${chosenDocument ? chosenDocument.title : bestDocument ? `${bestDocument.title} (below ${result.thresholds?.document})` : 'none'}`,
      element('span', { class: 'score' }, score(chosenDocument?.score ?? bestDocument?.score)),
    ),
  );
}

function renderScores(result) {
  const rows = [
    ...(result.scores?.categories ?? []).map((entry) => ['category', entry.name, entry.score]),
    ...(result.scores?.documents ?? []).map((entry) => ['document', entry.title, entry.score]),
  ];
  $('scores').replaceChildren(
    element(
      'table',
      {},
      element('tr', {}, element('th', {}, 'stage'), element('th', {}, 'name'), element('th', {}, 'score')),
      ...rows.map(([stage, name, value]) =>
        element('tr', {}, element('td', {}, stage), element('td', {}, name), element('td', { class: 'number' }, score(value))),
      ),
    ),
  );
}

function renderCitations(result, documents) {
  const citations = $('citations');
  citations.replaceChildren();
  for (const citation of result.citations ?? []) {
    const id = documents.get(citation.source) ?? documents.get(`${citation.category}\u0000${citation.title}`);
    // `cite` names the file and the place in it ("handbook.pdf p. 12 · 3.2 Annual leave").
    const label = citation.cite || `${citation.title} · #${citation.position + 1}`;
    citations.append(
      element(
        'button',
        { type: 'button', class: 'citation', 'data-testid': 'citation', onclick: () => openSource(id, citation.position) },
        `${label} · ${score(citation.score)}`,
      ),
    );
  }
}

async function openSource(id, position) {
  if (id === undefined) return;
  const response = await api(knowledgeBasePath(`/documents/${id}`));
  if (!response.ok) return;
  const source = await response.json();
  $('source-title').textContent = source.title;
  $('source-meta').textContent = `${source.category} — ${source.source}`;
  $('source-chunks').replaceChildren(
    ...source.chunks.map((chunk) =>
      element(
        'div',
        { class: `chunk${chunk.position === position ? ' cited' : ''}`, 'data-testid': 'source-chunk' },
        ...(chunk.place ? [element('div', { class: 'place muted', 'data-testid': 'chunk-place' }, chunk.place)] : []),
        chunk.text,
      ),
    ),
  );
  $('source').hidden = false;
  // Open at the cited place, not at the top of a long document.
  const cited = $('source-chunks').querySelector('.cited');
  (cited ?? $('source')).scrollIntoView({ behavior: 'smooth', block: cited ? 'center' : 'nearest' });
}

/** Server-Sent Events over a POST response: `event:` and `data:` lines, blank line between events. */
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      yield { event, data: data.join('\n') };
      boundary = buffer.indexOf('\n\n');
    }
  }
}

let knownDocuments = new Map();
/** The conversation so far, oldest first: what the server condenses a follow-up with. */
let history = [];
let answerText = '';
let pendingRender = 0;

function showAnswer(text) {
  answerText = text;
  if (pendingRender) return;
  // Tokens arrive faster than frames: render at most once a frame.
  pendingRender = requestAnimationFrame(() => {
    pendingRender = 0;
    renderMarkdown($('answer'), answerText);
  });
}

/** The finished turn moves up into the thread, as it was shown (already sanitized). */
function archiveCurrentTurn() {
  if ($('result').hidden || !$('asked').textContent) return;
  const answer = $('answer').cloneNode(true);
  answer.removeAttribute('id');
  // The chips themselves move (a clone would lose their click handlers): the turn keeps its citations.
  const citations = element('div', { class: 'citations', 'data-testid': 'turn-citations' });
  citations.append(...$('citations').childNodes);
  $('thread').append(
    element(
      'article',
      { class: 'turn', 'data-testid': 'turn' },
      element('p', { class: 'asked' }, $('asked').textContent),
      answer,
      citations,
    ),
  );
}

function newThread() {
  history = [];
  $('thread').replaceChildren();
  $('result').hidden = true;
  $('asked').textContent = '';
  $('question').focus();
}

async function ask(event) {
  event.preventDefault();
  const question = $('question').value.trim();
  if (!question) return;
  const button = $('ask-button');
  button.disabled = true;
  archiveCurrentTurn();
  $('result').hidden = false;
  $('asked').textContent = question;
  $('question').value = '';
  $('not-found').hidden = true;
  $('error').hidden = true;
  $('copy-answer').hidden = true;
  answerText = '';
  $('answer').replaceChildren();
  delete $('answer').dataset.refused;
  $('citations').replaceChildren();
  $('stages').replaceChildren(element('span', { class: 'stage' }, 'Searching…'));
  try {
    const response = await api(knowledgeBasePath('/ask'), {
      method: 'POST',
      body: JSON.stringify({
        question,
        mode: $('mode').value,
        stream: true,
        history: history.slice(-20),
        ...currentFilter(),
      }),
      headers: { accept: 'text/event-stream' },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    }
    for await (const { event: name, data } of readEvents(response)) {
      const payload = JSON.parse(data);
      if (name === 'retrieval') {
        if (payload.refused) $('not-found').hidden = false;
        if (payload.condensed) $('stages').replaceChildren(condensedStage(payload.condensed));
      }
      if (name === 'token') showAnswer(answerText + payload.text);
      // The text so far was no answer (drawn from a sentence far from the question): start again.
      if (name === 'retract') showAnswer('');
      if (name === 'error') throw new Error(payload.error.message);
      if (name === 'result') {
        renderStages(payload);
        renderScores(payload);
        renderCitations(payload, knownDocuments);
        cancelAnimationFrame(pendingRender);
        pendingRender = 0;
        answerText = payload.answer;
        renderMarkdown($('answer'), payload.answer);
        $('not-found').hidden = !payload.refused;
        $('answer').dataset.refused = String(payload.refused);
        $('copy-answer').hidden = false;
        history = [...history, { question, answer: payload.answer }].slice(-20);
      }
    }
  } catch (error) {
    $('error').textContent = error.message;
    $('error').hidden = false;
  } finally {
    button.disabled = false;
  }
}

/** The filter controls as the API's lists: only those set, each applied inside the search. */
function currentFilter() {
  const value = (id) => $(id).value.trim();
  return {
    ...(value('filter-category') ? { categories: [value('filter-category')] } : {}),
    ...(value('filter-tag') ? { tags: [value('filter-tag')] } : {}),
    ...(value('filter-document') ? { documents: [value('filter-document')] } : {}),
  };
}

/** Offers the knowledge base's categories, tags and titles in the filter controls. */
function fillFilterChoices(categories) {
  const select = $('filter-category');
  const chosen = select.value;
  select.replaceChildren(element('option', { value: '' }, 'all categories'));
  for (const category of categories) select.append(element('option', { value: category.name }, category.name));
  select.value = categories.some((category) => category.name === chosen) ? chosen : '';
  const items = categories.flatMap((category) => category.items);
  const tags = [...new Set(items.flatMap((item) => item.tags ?? []))].sort();
  $('known-tags').replaceChildren(...tags.map((tag) => element('option', { value: tag })));
  const titles = [...new Set(items.map((item) => item.title))].sort();
  $('known-titles').replaceChildren(...titles.map((title) => element('option', { value: title })));
}

async function loadKnowledgeBase() {
  const response = await api(knowledgeBasePath());
  if (!response.ok) return;
  const kb = await response.json();
  $('engine').textContent = kb.engine;
  knownDocuments = new Map();
  const container = $('kb');
  container.replaceChildren();
  fillFilterChoices(kb.categories);
  for (const category of kb.categories) {
    const list = element('ul');
    for (const item of category.items) {
      knownDocuments.set(`${category.name}\u0000${item.title}`, item.id);
      knownDocuments.set(item.source, item.id);
      const details = [
        countOf(item.chunks, 'chunk'),
        item.pages ? countOf(item.pages, 'page') : '',
        `ingested ${item.ingestedAt.slice(0, 10)}`,
        item.tags?.length ? `tags: ${item.tags.join(', ')}` : '',
      ];
      list.append(
        element(
          'li',
          {},
          element('a', { onclick: () => openSource(item.id, -1) }, item.title),
          element('span', { class: 'muted', 'data-testid': 'document-details' }, ` · ${details.filter(Boolean).join(' · ')}`),
        ),
      );
    }
    const counts = [
      countOf(category.documents, 'document'),
      countOf(category.chunks, 'chunk'),
      category.pages ? countOf(category.pages, 'page') : '',
    ];
    container.append(
      element('h3', { 'data-testid': 'category-summary' }, `${category.name} (${counts.filter(Boolean).join(', ')})`),
      list,
    );
  }
}

async function copyAnswer() {
  const button = $('copy-answer');
  try {
    await navigator.clipboard.writeText(answerText);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
  setTimeout(() => {
    button.textContent = 'Copy answer';
  }, 1500);
}

$('ask-form').addEventListener('submit', ask);
$('question').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('ask-form').requestSubmit();
  }
});
$('source-close').addEventListener('click', () => {
  $('source').hidden = true;
});
$('new-thread').addEventListener('click', newThread);
$('kb-select').addEventListener('change', chooseKnowledgeBase);
$('change-key').hidden = !keyRequired;
$('change-key').addEventListener('click', changeKey);
$('copy-answer').addEventListener('click', copyAnswer);
document.addEventListener('keydown', (event) => {
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName ?? '');
  if (event.key === 'Escape' && !$('source').hidden) {
    $('source').hidden = true;
    $('question').focus();
  } else if (event.key === '/' && !typing) {
    event.preventDefault();
    $('question').focus();
  } else if (event.altKey && event.key.toLowerCase() === 'n') {
    event.preventDefault();
    newThread();
  }
});
setUpUploads({
  zone: $('drop-zone'),
  input: $('upload-input'),
  category: $('upload-category'),
  list: $('uploads'),
  element,
  headers: authorization,
  path: () => knowledgeBasePath('/upload'),
  done: loadKnowledgeBase,
});
loadKnowledgeBases();
