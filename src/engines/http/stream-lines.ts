/**
 * Splits a byte stream into text lines. Lines and multi-byte UTF-8 characters may be cut
 * anywhere by chunk boundaries: the decoder keeps partial characters (`stream: true`) and
 * the splitter keeps the partial last line until the next chunk or the end.
 */
export async function* readLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      yield stripCarriageReturn(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  // A last line without a newline is still a line: servers do not always end with one.
  if (pending !== '') yield stripCarriageReturn(pending);
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
