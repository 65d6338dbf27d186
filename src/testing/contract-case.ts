import { test } from 'node:test';

/**
 * One case of a contract suite: a fresh resource per case, always released, skipped with
 * a reason when the implementation cannot show the behaviour.
 */
export function contractCase<Resource>(
  title: string,
  skip: string | undefined,
  create: () => Promise<Resource>,
  release: (resource: Resource) => Promise<void>,
  body: (resource: Resource) => Promise<void>,
): void {
  test(title, skip ? { skip } : {}, async () => {
    const resource = await create();
    try {
      await body(resource);
    } finally {
      await release(resource);
    }
  });
}
