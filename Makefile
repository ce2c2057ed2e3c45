# radcurate developer tasks. `make help` lists them.
PYTHON := .venv/bin/python
STACK  := $(PYTHON) -m radcurate.stack

.DEFAULT_GOAL := help
.PHONY: help install up down status

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
