"""`python -m provision`: see provision.cli."""

from provision.cli import main

raise SystemExit(main())
