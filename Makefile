# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve check bench scale browser clean

site: $(STAMP)
	$(BIN)/readinglist build

serve: $(STAMP)
	$(BIN)/readinglist serve

check: $(STAMP)
	$(BIN)/readinglist check

# Speed, size and theme-quality figures (printed, never asserted).
bench: $(STAMP)
	$(BIN)/python benchmarks/themes.py
	$(BIN)/python benchmarks/site.py

# How every stage grows: 1,000, 10,000 and 100,000 synthetic papers (about 15 minutes on 2 cores).
scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium (Playwright never downloads its own browser here).
browser:
	@test -x /usr/bin/chromium || bash .ci/install-chromium

clean:
	rm -rf build site $(VENV)
