/** Which model and settings produced a knowledge base's vectors; vectors from different stamps must never mix. */
export interface EmbeddingStamp {
  engine: string;
  modelId: string;
  /** Identifies the weights; a moved or renamed file keeps its fingerprint. */
  modelFingerprint: string;
  profile: string;
  nativeDimensions: number;
  dimensions: number;
  promptFormat: number;
}
