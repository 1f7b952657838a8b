# `make build` and `make test` each set up everything they need on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint check bench schema clean fuzz catalogues

build: $(STAMP)
	$(BIN)/briefgen build briefs/

test: $(STAMP) .system-test-deps node_modules/.installed
	$(BIN)/ruff check briefgen tests benchmarks fuzz
	$(BIN)/ruff format --check briefgen tests benchmarks fuzz
	$(BIN)/mypy
	$(BIN)/pytest -q

$(STAMP): pyproject.toml scripts/setup-system.sh
	./scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pybabel -q compile -d briefgen/locales -D briefgen
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.system-test-deps: scripts/setup-system.sh
	./scripts/setup-system.sh --test
	@touch $@

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_render.py --runs 7

# Coverage-guided fuzzing of the loader and validator with atheris, for FUZZ_SECONDS (not part of `make test`).
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/pip install -q 'atheris>=2.3'
	rm -rf .fuzz-corpus && mkdir -p .fuzz-corpus && cp fuzz/corpus/* .fuzz-corpus/
	$(BIN)/python fuzz/fuzz_load.py .fuzz-corpus fuzz/corpus -max_total_time=$(FUZZ_SECONDS) \
	  -rss_limit_mb=2048 -artifact_prefix=fuzz/regressions/

schema: $(STAMP)
	$(BIN)/briefgen schema > schema/brief.schema.json
	$(BIN)/python -c 'from briefgen.diff_report import diff_schema_text as t; print(t(), end="")' > schema/diff.schema.json

# The labels' message catalogues: extract every label of the code and the default templates into the .pot,
# merge it into each language's .po (new labels untranslated, for tests/test_i18n.py to name), compile the .mo.
POT := briefgen/locales/briefgen.pot
catalogues: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k mark:1c,2 -c Translators: --add-location file --sort-output -w 120 \
	  --project briefgen --version 0.1.0 --copyright-holder briefgen --msgid-bugs-address "" -o $(POT) .
	$(BIN)/pybabel -q update -i $(POT) -d briefgen/locales -D briefgen --no-fuzzy-matching --ignore-obsolete \
	  --width 120 --ignore-pot-creation-date
	$(BIN)/pybabel -q compile -d briefgen/locales -D briefgen

clean:
	rm -rf $(VENV) .system-test-deps node_modules .fuzz-corpus output/*.pdf output/*.html output/*.md
