import { type CatalogEntry, defaultModelAlias, type ModelRole, modelCatalog } from '../models/model-catalog.js';
import { modelsDirectory } from '../models/model-home.js';
import { resolveModel } from '../models/model-resolver.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

export interface PulledModel {
  role: ModelRole;
  reference: string;
  path: string;
}

/** The models `pull` knows by alias, and where downloads go. */
export function knownModels(environment: NodeJS.ProcessEnv): {
  directory: string;
  models: readonly CatalogEntry[];
} {
  return { directory: modelsDirectory(environment), models: modelCatalog };
}

/**
 * The pull flow: download a role's model (default: the embedding and answering defaults) into
 * $GEMMA_RAG_HOME/models and record it, so later commands find it offline.
 */
export async function pullModels(options: {
  role?: string | undefined;
  model?: string | undefined;
  environment: NodeJS.ProcessEnv;
  onStart?: ((role: ModelRole, reference: string) => void) | undefined;
  onProgress?: ((progress: { downloadedBytes: number; totalBytes: number }) => void) | undefined;
  onPulled?: ((pulled: PulledModel) => void) | undefined;
}): Promise<PulledModel[]> {
  const { role, model } = options;
  if (role !== undefined && role !== 'embedding' && role !== 'generation' && role !== 'reranking') {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Unknown role "${role}": use "embedding", "generation" or "reranking".`,
    );
  }
  const roles: ModelRole[] = role ? [role] : ['embedding', 'generation'];
  const pulled: PulledModel[] = [];
  for (const current of roles) {
    const reference = model ?? defaultModelAlias[current];
    options.onStart?.(current, reference);
    const path = await resolveModel({
      role: current,
      reference,
      allowDownload: true,
      environment: options.environment,
      onProgress: options.onProgress,
    });
    pulled.push({ role: current, reference, path });
    options.onPulled?.({ role: current, reference, path });
  }
  return pulled;
}
