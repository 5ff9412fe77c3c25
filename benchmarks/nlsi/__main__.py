from benchmarks.nlsi.run import main

raise SystemExit(main())
