import { test } from 'node:test';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import type { IntegrityReport } from '../spec/knowledge-admin.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import type { KnowledgeLocation } from '../stores/knowledge-location.js';
import { openKnowledgeStore } from '../stores/open-knowledge-store.js';

// Fixtures shared by the knowledge store and knowledge search contracts (both suites use
// them; keeping them here means neither suite imports the other's internals).

export interface KnowledgeStoreContractOptions {
  /** A location where no knowledge base exists yet (a new file, a new schema). */
  newLocation: () => KnowledgeLocation | Promise<KnowledgeLocation>;
}

export const lexical = (dimensions?: number) =>
  new Embedder({ model: new LexicalEmbeddingModel(), profile: embeddingGemma, dimensions });

export const document = (source: string, title: string, content: string, category: string): LoadedDocument => ({
  source,
  title,
  content,
  category,
});

/** Seven documents in English, Chinese and Japanese, in three categories; ids 1–7 in this order. */
export const corpus: readonly LoadedDocument[] = [
  document(
    '/kb/it/password.md',
    'Resetting your password',
    'Use the self-service portal to reset your password. Passwords expire every 90 days.',
    'IT & Security',
  ),
  document('/kb/it/密码.md', '重置密码', '请在自助门户重置密码。密码每九十天过期一次。', 'IT & Security'),
  document(
    '/kb/it/vpn.md',
    'VPN の接続',
    '社外から VPN に接続するには、クライアントをインストールしてください。',
    'IT & Security',
  ),
  document('/kb/hr/年假.md', '年假', '员工每年享有十五天带薪年假，需提前两周提交申请。', '人事'),
  document('/kb/hr/有給.md', '有給休暇', '有給休暇は年間二十日です。申請は二週間前までに行ってください。', '人事'),
  document(
    '/kb/finance/travel.md',
    'Travel expenses',
    'Submit travel expense claims within thirty days, with receipts.',
    'Finance',
  ),
  document('/kb/finance/报销.md', '报销', '差旅费用须在次月提交报销申请，并附上发票。', 'Finance'),
];

export const healthy: IntegrityReport = {
  integrityCheck: 'ok',
  chunksWithoutVectors: 0,
  vectorsWithoutOwners: 0,
  documentsWithoutChunks: 0,
  categoriesWithoutVectors: 0,
  keywordRowsOutOfStep: 0,
};

/** A case with a fresh, empty store at a new location, opened as ingest opens it and always closed. */
export function storeCase(
  name: string,
  options: KnowledgeStoreContractOptions,
  title: string,
  body: (store: KnowledgeStore, location: KnowledgeLocation) => Promise<void>,
): void {
  test(`${name}: ${title}`, async () => {
    const location = await options.newLocation();
    const store = await openKnowledgeStore(location, { create: true });
    try {
      await body(store, location);
    } finally {
      await store.close();
    }
  });
}
