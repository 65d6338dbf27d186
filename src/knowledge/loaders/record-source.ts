/**
 * Gives each record in a JSON or JSONL file the identity `path#category/title#n`. Counting by
 * the whole `category/title` string (not the pair) keeps sources unique even when a slash in a
 * category or title makes two pairs spell the same string.
 */
export function recordSources(path: string): (category: string, title: string) => string {
  const counts = new Map<string, number>();
  return (category, title) => {
    const key = `${category}/${title}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    return `${path}#${key}#${count}`;
  };
}
