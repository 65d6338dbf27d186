"""Test tooling only: sentence-transformers fp32 throughput on the same texts and threads as
bench/embed.ts. Request (stdin): {"model_dir", "texts": [str], "batch_size": int, "threads": int}.
Answer (stdout): {"seconds": float, "tokens": int} — tokens counted by the HF tokenizer,
special tokens included, the way gemma-rag counts them.
"""

import json
import sys
import time

import torch
from sentence_transformers import SentenceTransformer


def main() -> None:
    request = json.load(sys.stdin)
    torch.set_num_threads(int(request["threads"]))
    model = SentenceTransformer(request["model_dir"], device="cpu", model_kwargs={"torch_dtype": torch.float32})
    texts = request["texts"]
    model.encode(texts[:2], batch_size=1)  # warm-up: first-call allocations are not throughput
    started = time.perf_counter()
    model.encode(texts, batch_size=int(request["batch_size"]), normalize_embeddings=True)
    seconds = time.perf_counter() - started
    tokens = sum(len(model.tokenizer(text)["input_ids"]) for text in texts)
    json.dump({"seconds": seconds, "tokens": tokens}, sys.stdout)


if __name__ == "__main__":
    main()
