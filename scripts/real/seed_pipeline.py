"""Test tooling only: the seed article's two-stage pipeline, written as the seed writes it
(sentence-transformers + FAISS): stage 1 picks the best category name with the
`Classification` prompt, stage 2 the best document of that category with `Retrieval-query`
against `title: {title} | text: {content}`, each gated by one similarity threshold.

Request (stdin):  {"model_dir": str, "knowledge_base": [{"category", "documents": [{"title", "content"}]}],
                   "questions": [str], "threshold": 0.4}
Answer (stdout):  {"results": [{"question", "category", "category_score", "document", "document_score",
                   "refused_at": null | "category" | "document"}]}
"""

import json
import sys

import faiss
import numpy as np
import torch
from sentence_transformers import SentenceTransformer


def best_match(query: np.ndarray, candidates: np.ndarray) -> tuple[int, float]:
    # Inner product on L2-normalized vectors = the cosine the seed's model.similarity computes.
    index = faiss.IndexFlatIP(candidates.shape[1])
    index.add(candidates)
    scores, ids = index.search(query, 1)
    return int(ids[0][0]), float(scores[0][0])


def main() -> None:
    request = json.load(sys.stdin)
    torch.set_num_threads(int(request.get("threads", 1)))
    model = SentenceTransformer(request["model_dir"], device="cpu", model_kwargs={"torch_dtype": torch.float32})
    threshold = float(request.get("threshold", 0.4))
    knowledge_base = request["knowledge_base"]
    names = [category["category"] for category in knowledge_base]
    encode = lambda texts, **kw: model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, **kw).astype(
        np.float32
    )
    category_vectors = encode(names, prompt_name="Classification")
    document_vectors = [
        encode([f"title: {d.get('title', 'none')} | text: {d.get('content', '')}" for d in category["documents"]])
        for category in knowledge_base
    ]
    results = []
    for question in request["questions"]:
        result = {"question": question, "category": None, "category_score": None, "document": None,
                  "document_score": None, "refused_at": None}
        category_index, category_score = best_match(encode([question], prompt_name="Classification"), category_vectors)
        result["category"], result["category_score"] = names[category_index], category_score
        if category_score < threshold:
            result["refused_at"] = "category"
            results.append(result)
            continue
        document_index, document_score = best_match(
            encode([question], prompt_name="Retrieval-query"), document_vectors[category_index]
        )
        result["document"] = knowledge_base[category_index]["documents"][document_index]["title"]
        result["document_score"] = document_score
        if document_score < threshold:
            result["refused_at"] = "document"
        results.append(result)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
