// Answers are Markdown from a model that read untrusted documents: parse with marked, then keep
// only what DOMPurify lets through. Links open in a new tab without access to this page.
import { marked } from '/vendor/marked.js';
import DOMPurify from '/vendor/purify.js';

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const purifyOptions = {
  // No images: an answer has no business loading anything.
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'img', 'svg', 'math'],
  FORBID_ATTR: ['style'],
};

/** Renders `text` as sanitized Markdown into `target`. */
export function renderMarkdown(target, text) {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  target.innerHTML = DOMPurify.sanitize(html, purifyOptions);
}
