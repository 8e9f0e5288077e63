# Two commands for a fresh machine: `make run` and `make test`.
# uv is bootstrapped into its own virtual environment (PEP 668: never pip into the system Python),
# trusts the system certificates and never downloads a Python.
PYTHON ?= python3.11
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_NATIVE_TLS := 1
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Byte-compile installed packages once at sync: this machine sets PYTHONDONTWRITEBYTECODE, and
# every test subprocess would otherwise compile its imports again.
export UV_COMPILE_BYTECODE := 1
GW := .venv/bin/gongwen
DB ?= sqlite:///var/gongwen.sqlite3
PORT ?= 8000

.PHONY: run test lint sync bench-search bench-relevance bench-web bench-cli bench-proofread bench-damage bench-resources proofread-model clean

$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

sync: .venv/.synced

run: sync
	@mkdir -p var
	$(GW) --db $(DB) ingest examples/
	$(GW) --db $(DB) bootstrap
	$(GW) --db $(DB) serve --host 127.0.0.1 --port $(PORT)

# The suite runs on every core (pytest-xdist): each worker builds its own template libraries.
test: sync
	.venv/bin/python -m pytest -q -n auto

lint: sync
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy --ignore-missing-imports src/gongwen
	.venv/bin/mypy --strict --ignore-missing-imports src/gongwen/parse src/gongwen/model \
	  src/gongwen/search/query.py src/gongwen/errors.py src/gongwen/config.py src/gongwen/util \
	  src/gongwen/store/sql.py src/gongwen/store/index src/gongwen/trace \
	  src/gongwen/proofread/catalogue.py src/gongwen/proofread/diagnostic.py \
	  src/gongwen/proofread/rules src/gongwen/proofread/docs.py src/gongwen/proofread/charlm.py \
	  src/gongwen/proofread/formulary.py src/gongwen/proofread/fluency.py src/gongwen/ingest/uploads.py \
	  src/gongwen/cli

bench-search: sync
	.venv/bin/python bench/search.py

bench-relevance: sync
	.venv/bin/python bench/relevance.py

bench-web: sync
	.venv/bin/python bench/web.py

bench-cli: sync
	.venv/bin/python bench/cli.py

bench-proofread: sync
	.venv/bin/python bench/proofread.py

# Hostile uploads (bombs, huge texts) against the server and the CLI: 4xx/exit 2, bounded memory.
bench-resources: sync
	.venv/bin/python bench/resources.py

# Variant sites judged by an independent segmenter (thulac, in the bench dependency group).
bench-damage: sync
	$(UV) sync --frozen --group bench --python $(PYTHON)
	.venv/bin/python bench/damage.py

# Rebuilds the shipped character model from ../shared/data (gov-corpus, odw.train).
proofread-model: sync
	.venv/bin/python -m gongwen.proofread.build_model

clean:
	rm -rf .venv $(TOOLS) var
