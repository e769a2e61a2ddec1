# Two commands do all the set-up on a fresh machine:
#   make        build every handout in every locale into output/
#   make test   run the test suite
# Both create a local virtual environment (.venv) on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all build test bench system-fonts system-tools clean

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP) system-fonts
	$(BIN)/handouts build

# Chinese and Korean fonts come from Debian's packages; the tests check PDFs with
# tools this project did not write (poppler, qpdf).
system-fonts:
	@sh scripts/ensure-system-tools.sh fonts

system-tools:
	@sh scripts/ensure-system-tools.sh all

# axe-core (the accessibility audit the browser tests inject) comes from the npm registry.
AXE := .test-deps/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix .test-deps axe-core@4

test: $(STAMP) system-tools $(AXE)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/benchmark.py

clean:
	rm -rf output $(VENV)
