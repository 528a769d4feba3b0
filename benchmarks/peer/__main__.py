from benchmarks.peer.run import main

raise SystemExit(main())
