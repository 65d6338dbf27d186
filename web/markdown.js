// Answers are Markdown from a model that read untrusted documents: parse with marked, then keep
// only what DOMPurify lets through. Links open in a new tab without access to this page.
import { marked } from '/vendor/marked.js';
import DOMPurify from '/vendor/purify.js';

// A link in an answer came from a document, not from this app: one to another site is marked
// as such in plain words, so text dressed up as the app ("re-enter your API key") cannot pass
// for it. Links within this page's own origin stay as they are.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName !== 'A') return;
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer nofollow');
  let target;
  try {
    target = new URL(node.getAttribute('href') ?? '', location.href);
  } catch {
    node.removeAttribute('href');
    return;
  }
  if (target.origin !== location.origin) {
    node.classList.add('external-link');
    node.setAttribute('data-external', 'true');
    node.setAttribute('title', `External link from a document: ${target.href}`);
    node.append(` (external link: ${target.host})`);
  }
});

const purifyOptions = {
  // No images: an answer has no business loading anything.
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'img', 'svg', 'math'],
  // No class, style or id from an answer: a document must not borrow the app's own look (its
  // error boxes, its dialogs) or its element ids.
  FORBID_ATTR: ['style', 'class', 'id'],
};

/** Renders `text` as sanitized Markdown into `target`. */
export function renderMarkdown(target, text) {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  target.innerHTML = DOMPurify.sanitize(html, purifyOptions);
}
