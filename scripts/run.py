"""The `lead-scoring` command under its old name, for existing cron lines and systemd units:
`scripts/run.py [flags]` builds (`lead-scoring run`), `scripts/run.py history` and
`scripts/run.py rollback` as before. It runs the package installed from this checkout
(`make install`)."""

from lead_scoring.cli import main

raise SystemExit(main())
