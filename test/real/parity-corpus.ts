import type { PromptChoice } from '../../src/embedding/prompts.js';

/**
 * A fixed multilingual corpus for parity with sentence-transformers: six languages, code,
 * emoji, every prompt kind, real titles and `none`, and long inputs near the 2048-token limit.
 */
export const parityTexts = {
  zh: '如忘记密码或账户被锁定，请使用自助重置门户。系统将提示您回答预设的安全问题；出于安全考虑，IT帮助台无法通过电话重置密码。',
  en: 'Full-time employees receive ten days of paid annual leave in their first year, rising with length of service.',
  ja: '病気や緊急事態で出勤できない場合は、午前9時30分までに上司と人事部にメールで連絡してください。',
  de: 'Reisekosten werden grundsätzlich nach den tatsächlichen Kosten der wirtschaftlichsten Route erstattet; Belege sind aufzubewahren.',
  ko: '회의실은 캘린더 앱에서 예약할 수 있으며, 10명 이상의 회의는 14층의 큰 회의실을 이용하십시오.',
  ar: 'يجب تقديم جميع طلبات استرداد النفقات قبل اليوم الخامس من أيام العمل في الشهر التالي لضمان معالجتها في الوقت المحدد.',
  code: 'def reset_password(user):\n    token = secrets.token_urlsafe(32)\n    send_mail(user.email, f"https://reset.example/{token}")\n    return token',
  emoji: 'Great job team 🎉🚀 — launch at 9:00 ✅, retro on Friday 🍕 (bring ideas 💡)',
  question: 'Which planet is known as the Red Planet?',
  questionZh: '出差可以打车吗？',
} as const;

export interface ParityCase {
  label: string;
  text: string;
  prompt: PromptChoice;
}

const named = (name: string): PromptChoice => ({ kind: 'named', name });

/** Every named prompt of EmbeddingGemma, plus the card's two unnamed ones. */
const promptNames = [
  'query',
  'document',
  'Retrieval',
  'Retrieval-query',
  'Retrieval-document',
  'Reranking',
  'BitextMining',
  'Clustering',
  'Classification',
  'MultilabelClassification',
  'PairClassification',
  'STS',
  'InstructionRetrieval',
  'Summarization',
  'QuestionAnswering',
  'FactChecking',
];

/** About `words` space-separated pieces of mixed-language text, without exact repetition of a line. */
function longText(seed: number, pieces: number): string {
  const sources = Object.values(parityTexts);
  const parts: string[] = [];
  for (let index = 0; index < pieces; index++) {
    const source = sources[(seed + index * 7) % sources.length] ?? '';
    parts.push(`(${index + 1}) ${source}`);
  }
  return parts.join('\n');
}

export function parityCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  const languages = ['zh', 'en', 'ja', 'de', 'ko', 'ar', 'code', 'emoji'] as const;
  // Every language bare, as a query and as a titled document.
  for (const language of languages) {
    cases.push({ label: `${language} · no prompt`, text: parityTexts[language], prompt: { kind: 'none' } });
    cases.push({ label: `${language} · query`, text: parityTexts[language], prompt: named('Retrieval-query') });
    cases.push({
      label: `${language} · titled document`,
      text: parityTexts[language],
      prompt: { kind: 'document', title: `Handbook ${language} 手册` },
    });
  }
  // Every prompt name, on alternating languages.
  for (const [index, name] of promptNames.entries()) {
    const language = languages[index % languages.length] ?? 'en';
    cases.push({ label: `${language} · ${name}`, text: parityTexts[language], prompt: named(name) });
  }
  cases.push({ label: 'zh question · Classification', text: parityTexts.questionZh, prompt: named('Classification') });
  cases.push({ label: 'document · title none', text: parityTexts.en, prompt: { kind: 'document', title: 'none' } });
  // Long inputs: ~1,000, ~1,500 and ~1,950 tokens with the document prompt.
  cases.push({ label: 'long ~1000 tokens', text: longText(1, 31), prompt: { kind: 'document', title: 'Policy' } });
  cases.push({ label: 'long ~1500 tokens', text: longText(2, 46), prompt: { kind: 'document', title: 'none' } });
  cases.push({ label: 'long ~1950 tokens', text: longText(3, 60), prompt: named('Retrieval-query') });
  return cases;
}
