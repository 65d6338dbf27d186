import { answerQuestion } from './src/answer/answer-question.ts';
import { LlamaCppLanguageModel } from './src/engines/llama-cpp/llama-cpp-language-model.ts';
import { retrievalThatFound } from './src/testing/found-document.ts';
const model = await LlamaCppLanguageModel.load({ modelPath: process.env.GEMMA_RAG_REAL_INSTRUCT_SMOL!, threads: 2, contextSize: 2048 });
const cases = [
  ['How many days of paid annual leave do I get in my first year?', 'Full-time employees get 12 days of paid annual leave in their first year. The allowance grows by one day per year of service up to 20 days.'],
  ['Where do I reset my password?', 'Reset your password at the self-service portal https://password.example.com. Without a phone, visit the IT desk on the 8th floor.'],
  ['What is the Wi-Fi password in the meeting rooms?', 'Every meeting room can be booked from the calendar app.'],
  ['What is the stock ticker of the company?', 'Expenses must be submitted by the 3rd working day of the next month.'],
];
for (const prompt of ['seed-marked', 'sandwich', 'seed'] as const) for (const [q, text] of cases) {
  const r = await answerQuestion({ question: q, retrieval: retrievalThatFound('doc', text), languageModel: async () => model, maxTokens: 48, prompt });
  console.log(prompt, '|', q, '→', JSON.stringify(r.generated), r.refusedBy, r.prompt);
}
await model.dispose();
