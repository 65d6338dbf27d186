"""Test tooling only: writes data/embeddinggemma-300m-reference.json, the small reference set
`gemma-rag doctor` uses to tell how far an EmbeddingGemma file (a quantized GGUF, an ONNX
export, a model server) is from the fp32 model: finished input strings (task prompt included)
and their 768-d vectors from sentence-transformers fp32, short and long, in several languages.

    ~/.cache/gemma-rag-test-weights/venv/bin/python scripts/real/make-reference-set.py \
        ~/.cache/gemma-rag-test-weights/embeddinggemma-300m data/embeddinggemma-300m-reference.json
"""

import json
import sys

import torch
from sentence_transformers import SentenceTransformer

QUERY = "task: search result | query: "
DOCUMENT = "title: {title} | text: "

SHORT = [
    QUERY + "Which planet is known as the Red Planet?",
    QUERY + "如何重置密码？",
    QUERY + "出張でタクシーを使ってもいいですか？",
    "task: classification | query: " + "Kann ich auf einer Dienstreise ein Taxi nehmen?",
    DOCUMENT.format(title="none") + "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
    DOCUMENT.format(title="账户密码管理") + "如忘记密码或账户被锁定，请使用自助重置门户。出于安全考虑，IT帮助台无法通过电话重置密码。",
    DOCUMENT.format(title="年次有給休暇") + "正社員には入社1年目に12日の年次有給休暇が付与され、3か月の試用期間終了後から取得できます。",
    "task: code retrieval | query: " + "def reset_password(user): return send_mail(user.email, token())",
]

PARAGRAPHS = [
    "Full-time employees receive ten days of paid annual leave in their first year. The allowance grows with "
    "length of service: after three years it is fourteen days. Unused days may be carried over until the end of "
    "March of the following year, up to five days.",
    "差旅费用原则上按最合理、最经济路线的实际成本报销。使用新干线或飞机前请提前提交差旅费用申请。仅当公共交通不可用或运输重型设备时允许乘坐出租车。必须保留收据。",
    "会議室はすべてカレンダーアプリから予約できます。会議の招待を作成して参加者を追加し、「会議室を検索」で空いている部屋を選んでください。",
    "Reisekosten werden grundsätzlich nach den tatsächlichen Kosten der wirtschaftlichsten Route erstattet; "
    "Belege sind aufzubewahren und innerhalb von fünf Arbeitstagen einzureichen.",
]


def long_text(pieces: int, offset: int) -> str:
    return "\n".join(f"({index + 1}) {PARAGRAPHS[(index + offset) % len(PARAGRAPHS)]}" for index in range(pieces))


def main() -> None:
    model_dir, output = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    model = SentenceTransformer(model_dir, device="cpu", model_kwargs={"torch_dtype": torch.float32})
    texts = SHORT + [
        DOCUMENT.format(title="Handbook") + long_text(6, 0),
        DOCUMENT.format(title="none") + long_text(14, 1),
        DOCUMENT.format(title="Policy") + long_text(24, 2),
        DOCUMENT.format(title="none") + long_text(32, 3),
    ]
    tokens = [len(model.tokenizer(text)["input_ids"]) for text in texts]
    assert max(tokens) <= 2048, tokens
    vectors = model.encode(texts, batch_size=1, normalize_embeddings=True, convert_to_numpy=True)
    json.dump(
        {
            "model": "google/embeddinggemma-300m",
            "source": "sentence-transformers fp32 (scripts/real/make-reference-set.py)",
            "entries": [
                {"text": text, "tokens": count, "vector": [round(float(value), 6) for value in vector]}
                for text, count, vector in zip(texts, tokens, vectors)
            ],
        },
        open(output, "w", encoding="utf-8"),
        ensure_ascii=False,
    )
    print(f"{len(texts)} texts, tokens {tokens}")


if __name__ == "__main__":
    main()
