"""`python -m provision`: see provision.cli."""

from dynamo_contracts.provision.cli import main

raise SystemExit(main())
