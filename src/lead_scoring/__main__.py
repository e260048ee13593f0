"""`python -m lead_scoring`: the `lead-scoring` command."""

from lead_scoring.cli import main

raise SystemExit(main())
