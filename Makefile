.PHONY: demo test lint bench messages

demo:  ## Start Agora on SQLite with demo data at http://127.0.0.1:8000
	scripts/demo.sh

test:  ## Run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)
	scripts/test.sh

lint:
	scripts/bootstrap.sh && .venv/bin/ruff check . && .venv/bin/ruff format --check .

messages:  ## Refresh the French catalog from the source, then compile it
	cd agora && ../.venv/bin/agora makemessages -l fr --no-obsolete --no-location --ignore 'static/*' && ../.venv/bin/agora compilemessages -l fr
