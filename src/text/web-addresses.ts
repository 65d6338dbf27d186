/**
 * Web and mail addresses in a text, compared by host and path: scheme, "www.", case and a
 * trailing slash or full stop ignored ("https://Password.example.com/" = "password.example.com").
 * Brackets end a path as parentheses do: models write Markdown links, "[https://a.example/](https://a.example/)".
 */
const address =
  /\b(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,24}(?::\d{2,5})?(?:\/[^\s"'<>()[\]\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]*)?|[\w.+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,24}/giu;

/** Top-level names that read as file names or decimals, not hosts ("report.pdf", "v1.2"). */
const notHosts = /\.(?:pdf|docx?|xlsx?|pptx?|txt|md|json|csv|png|jpe?g|gif|zip|exe|js|ts|py|html?)$/iu;

export function webAddresses(text: string): string[] {
  const found: string[] = [];
  for (const [match] of text.normalize('NFKC').matchAll(address)) {
    const canonical = match
      .toLowerCase()
      .replace(/^https?:\/\//u, '')
      .replace(/^www\./u, '')
      .replace(/[.,;:!?。，]+$/u, '')
      .replace(/\/+$/u, '');
    const host = canonical.split(/[/:]/u)[0] ?? '';
    if (!host.includes('.') || notHosts.test(host) || /^[\d.]+$/u.test(host)) continue;
    found.push(canonical);
  }
  return found;
}
