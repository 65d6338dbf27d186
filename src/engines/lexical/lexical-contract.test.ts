import { embeddingModelContract } from '../embedding-model.contract.js';
import { LexicalEmbeddingModel } from './lexical-embedding-model.js';

embeddingModelContract('lexical', {
  create: async () => new LexicalEmbeddingModel(),
  skips: {
    'a different input gives a different vector':
      'it strips the task-prompt scaffold on purpose: a prompt carries no meaning for a bag of words',
    'abort during a call': 'embedding is synchronous: the call finishes before an abort can arrive',
  },
});
