"""Test tooling only: reference vectors and token counts from sentence-transformers (fp32),
the seed's own stack. Reads one JSON request on stdin, writes one JSON answer on stdout.

Request:  {"model_dir": str, "texts": [str], "dims": [int], "tokenize": [str]}
          texts are finished strings (the task prompt already prepended), so the reference
          tests exactly what gemma-rag sends to its engine.
Answer:   {"vectors": {"768": [[float]], ...}, "token_counts": [int]}
"""

import json
import sys

import torch
from sentence_transformers import SentenceTransformer


def main() -> None:
    request = json.load(sys.stdin)
    torch.set_num_threads(int(request.get("threads", 1)))
    model = SentenceTransformer(request["model_dir"], device="cpu", model_kwargs={"torch_dtype": torch.float32})
    texts = request.get("texts", [])
    vectors = {}
    for dims in request.get("dims", [768]):
        # truncate_dim + normalize: sentence-transformers' own Matryoshka path, independent of ours.
        encoded = model.encode(
            texts, batch_size=1, truncate_dim=dims, normalize_embeddings=True, convert_to_numpy=True
        ) if texts else []
        vectors[str(dims)] = [[float(value) for value in row] for row in encoded]
    token_counts = [len(model.tokenizer(text)["input_ids"]) for text in request.get("tokenize", [])]
    json.dump({"vectors": vectors, "token_counts": token_counts}, sys.stdout)


if __name__ == "__main__":
    main()
