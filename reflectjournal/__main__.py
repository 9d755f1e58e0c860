from reflectjournal.launcher import main

raise SystemExit(main())
