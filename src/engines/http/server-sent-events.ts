/** One server-sent event: `data` lines joined with newlines, and the `event` name if any. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

/**
 * Server-sent events (the OpenAI streaming format) from text lines: `data:` lines
 * accumulate until a blank line dispatches the event; `:` comments and unknown fields are
 * ignored. Unlike the specification, an event left open at the end is still dispatched,
 * because some servers close the stream right after the last `data:` line.
 */
export async function* parseServerSentEvents(lines: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let data: string[] = [];
  let event: string | undefined;
  for await (const line of lines) {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n') };
      data = [];
      event = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length > 0) yield { event, data: data.join('\n') };
}
