"""`python -m provision.cost --env ENV`: the cost command on its own; see provision.cost.command."""

from dynamo_contracts.provision.cost.command import main

raise SystemExit(main())
