import { compactForComparison } from '../text/compare-text.js';
import { withoutDataMarkers } from './data-markers.js';

/**
 * Real 0.5B instruct models sometimes read the QUESTION line back instead of answering it
 * (Qwen2.5-Coder-0.5B, docs/answers.md), whole or a part of it ("海洋动物较多获得哪种形式的氧?"
 * for "在较凉爽的气候条件下，海洋动物较多获得哪种形式的氧?"). This holds back the start of an
 * answer for as long as it could still be the question, or a part of it, read back (with or
 * without the prompt's data marker), so an echo is never streamed: the moment the text departs
 * from the question it is passed on, held part first. Only an answer that is a run of the
 * question at least half its length, and nothing else, counts as an echo: "高" for
 * "…是高还是低？" is an answer.
 */
export class QuestionEchoGuard {
  private held = '';
  private passing = false;
  private readonly echoes: string[];
  private readonly questionLength: number;

  constructor(
    question: string,
    private readonly emit: (text: string) => void,
  ) {
    const compact = compactForComparison(question);
    // With or without the prompt's label in front of it.
    this.echoes = [compact, compactForComparison(`QUESTION: ${question}`), compactForComparison(`问题：${question}`)];
    this.questionLength = compact.length;
  }

  push(text: string): void {
    if (this.passing) {
      this.emit(text);
      return;
    }
    this.held += text;
    // The question read back with the data marker before or after it is still only an echo.
    const sofar = compactForComparison(withoutDataMarkers(this.held));
    if (!this.echoes.some((echo) => echo.includes(sofar))) this.release();
  }

  /** Ends the answer: true when all of it was the question read back (nothing was emitted). */
  end(): boolean {
    if (this.passing) return false;
    const length = compactForComparison(withoutDataMarkers(this.held)).length;
    if (length > 0 && length * 2 >= this.questionLength) return true;
    this.release();
    return false;
  }

  private release(): void {
    this.passing = true;
    if (this.held !== '') this.emit(this.held);
    this.held = '';
  }
}
