# radcurate developer tasks. `make help` lists them.
PYTHON := .venv/bin/python
STACK  := $(PYTHON) -m radcurate.stack

.DEFAULT_GOAL := help
.PHONY: help install up down status demo test lint schemas test-unit test-contracts test-stack test-e2e test-fuzz k8s-check image bench-deid bench-harmonize bench-qc bench-large vocabulary vocabulary-changes

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install: ## install Debian packages and .venv (scripts/bootstrap.sh; only what is missing)
	scripts/bootstrap.sh

# ---- local stack: Orthanc edge + research, Kafka-protocol broker, MongoDB API, services (state in .stack/)
up: install ## start the local stack and wait until healthy (UP_ARGS=--no-services for the servers only)
	$(STACK) up $(UP_ARGS)

down: ## stop the local stack (DOWN_ARGS=--purge also deletes its storage)
	$(STACK) down $(DOWN_ARGS)

status: ## pid, ports and health of each stack component
	$(STACK) status

# ---- the main job and the tests
demo: install ## start the stack, push the sample studies, wait until indexed, print the index
	$(PYTHON) -m radcurate.demo

test: install lint k8s-check test-contracts test-unit test-fuzz test-stack test-e2e ## everything CI runs (starts and stops its own servers)

BENCH_MODULES := $(subst /,.,$(basename $(wildcard bench/*.py bench/data/*.py)))

lint: ## ruff, mypy and the JSON Schema drift check
	.venv/bin/ruff check .
	.venv/bin/mypy contracts services radcurate
	.venv/bin/mypy $(patsubst %,-m %,$(BENCH_MODULES))
	$(PYTHON) -m contracts.schema check
	$(PYTHON) -m services.deid.standard.generate_iod_types --check
	$(PYTHON) -m services.harmonize.vocabulary.generate_pinyin --check

schemas: ## regenerate contracts/schemas after a contract change
	$(PYTHON) -m contracts.schema write

test-contracts: ## event schemas, fixtures, codec, registry, failure rules
	$(PYTHON) -m pytest -q tests/contracts

test-unit: ## each stage's pure logic on real DICOM files
	$(PYTHON) -m pytest -q tests/unit

test-fuzz: ## 1,000 malformed inputs through the de-identification engine
	$(PYTHON) -m pytest -q tests/fuzz

test-stack: ## the local stack tooling against real servers
	$(PYTHON) -m pytest -q tests/stack

test-e2e: ## the whole pipeline on the real stack (its own servers, on free ports)
	$(PYTHON) -m pytest -q tests/e2e

# ---- benchmarks (figures printed, not timed tests)
bench-deid: install ## de-identification against dicom-anonymizer, dicognito and pydicom-deid (own venv)
	bench/setup_bench_env.sh && .venv-bench/bin/python bench/deid_bench.py

bench-harmonize: install ## LOINC agreement on held-out MIDRC rows, real headers, geometry against dcm2niix
	$(PYTHON) bench/harmonize_eval.py

bench-qc: install ## recall per injected defect and false-FAIL rate of the QC checks
	$(PYTHON) -m bench.qc_eval

bench-large: install ## a 2,000-instance study through the whole stack: memory per worker, time per stage
	$(PYTHON) bench/large_study.py

vocabulary: ## regenerate the harmonize vocabulary tables from their sources
	$(PYTHON) -m services.harmonize.vocabulary.generate_cid4031
	$(PYTHON) -m services.harmonize.vocabulary.generate_pinyin
	$(PYTHON) -m services.harmonize.vocabulary.generate_procedures

vocabulary-changes: ## benchmark words read differently alone since the last vocabulary tag (BASE=ref to compare)
	$(PYTHON) -m bench.word_changes $(if $(BASE),--base $(BASE))

# ---- deployment
k8s-check: ## render deploy/k8s overlays, validate schemas, checkov (manifests + Dockerfile), tests/deploy (tools in .venv-k8s)
	scripts/k8s_check.sh

image: ## build the one image every process runs from (needs Docker)
	docker build -t radcurate:$$($(PYTHON) -c 'import importlib.metadata as m; print(m.version("radcurate"))') .
