# Two entry points for a fresh machine with Python 3.11:
#   make run    builds the warehouse on DuckDB with demo data (`lead-scoring run`; ARGS="--as-of ..."
#               passes flags through)
#   make dashboard
#               serves the dashboard over the published warehouse (`lead-scoring dashboard`)
#   make test   lints and runs the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-engines run dashboard test lint

# The package lead_scoring (src/) is installed editable from this checkout: the `lead-scoring`
# command runs the dbt project of the checkout it was installed from.
$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-dev.txt -e .
	touch $(STAMP)

install: $(STAMP)

# Optional extras for the PostgreSQL and Spark targets (README "Running on PostgreSQL / Spark").
ENGINES_STAMP := $(VENV)/.engines-installed
$(ENGINES_STAMP): $(STAMP) requirements-postgres.txt requirements-spark.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-postgres.txt -r requirements-spark.txt
	touch $(ENGINES_STAMP)

install-engines: $(ENGINES_STAMP)

run: $(STAMP)
	$(BIN)/lead-scoring run $(ARGS)

dashboard: $(STAMP)
	$(BIN)/lead-scoring dashboard $(ARGS)

# sqlfluff's dbt templater lints dbt nodes (models, singular tests) and skips files that only
# define macros or generic tests; those go through its Jinja templater (.sqlfluff-macros says what
# that checks). tests/test_sql_lint.py checks that every SQL file gets the templater that lints it.
lint: $(STAMP)
	$(BIN)/ruff check src scripts tests
	$(BIN)/ruff format --check src scripts tests
	mkdir -p target
	LEAD_SCORING_DUCKDB_PATH=target/lint.duckdb $(BIN)/sqlfluff lint models data-tests/seed_validation --processes 2
	$(BIN)/sqlfluff lint macros data-tests/generic --config .sqlfluff-macros --processes 2

# --durations lists the slowest tests, so a CI log shows where the suite's time goes.
test: lint
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)
