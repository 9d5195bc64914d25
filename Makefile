# Set-up and the two everyday commands: `make build` and `make test`.
# Both install whatever is missing (Debian packages when run as root, the
# virtualenv, the package) and are quick when everything is already there.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DEB_PKGS := fonts-noto-cjk libharfbuzz-subset0 poppler-utils
# The quality gates of `make test`: the Nu Html Checker runs on Java, axe-core in Chromium; and
# the Latin faces the PDF tests embed beside the CJK ones (a TrueType face, a CFF one).
GATE_DEB_PKGS := default-jre-headless chromium chromium-driver fonts-dejavu-core fonts-urw-base35
NPM_TOOLS := vnu-jar@26.9.27 axe-core@4.14.1
TOOLS     := .tools
SYS_STAMP := $(VENV)/.system-packages
GATE_STAMP := $(VENV)/.gate-packages
PY_STAMP  := $(VENV)/.installed
NPM_STAMP := $(TOOLS)/.installed
# The peer pipeline benchmarks/bench_archive.py compares against: OpenCC's and pandoc's CLIs.
BENCH_DEB_PKGS := opencc pandoc
BENCH_STAMP := $(VENV)/.bench-packages

.PHONY: all setup test-setup build test bench clean lint

all: build

# The package is installed editable, so nothing compiled its modules: compile them (quick when
# done already), or every docpub command would when PYTHONDONTWRITEBYTECODE is set.
setup: $(SYS_STAMP) $(PY_STAMP)
	@$(BIN)/python -m compileall -q src/docpub >/dev/null

test-setup: setup $(GATE_STAMP) $(NPM_STAMP)

# Installs the Debian packages named in $(1) that are missing (as root), or names them and stops.
define deb_install
	@missing=""; for p in $(1); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages:$$missing (run 'sudo apt-get install$$missing')" >&2; exit 1; \
	  fi; \
	fi
endef

# Debian fonts and libraries: WeasyPrint needs the CJK faces and HarfBuzz's
# subsetter (without it font subsetting falls back to a much slower path);
# poppler-utils gives the tests pdftotext/pdffonts/pdftoppm.
$(SYS_STAMP):
	$(call deb_install,$(DEB_PKGS))
	@mkdir -p $(VENV) && touch $@

$(GATE_STAMP): Makefile
	$(call deb_install,$(GATE_DEB_PKGS))
	@mkdir -p $(VENV) && touch $@

# vnu.jar and axe.min.js from the npm registry, into a folder of the checkout that git ignores.
$(NPM_STAMP): Makefile
	@mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --save-exact --silent $(NPM_TOOLS)
	@touch $@

$(BENCH_STAMP): Makefile
	$(call deb_install,$(BENCH_DEB_PKGS))
	@mkdir -p $(VENV) && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,cluster]'
	@touch $@

build: setup
	$(BIN)/docpub build .

# The suite runs on every core (at most 4 workers), a test file per worker at a time, so a
# file's shared fixtures (a built site, a browser) are made once. `TEST_WORKERS=0` runs it in
# one process.
TEST_WORKERS ?= auto

test: test-setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

bench: setup $(BENCH_STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
