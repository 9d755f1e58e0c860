from reflectjournal.cli.main import main

raise SystemExit(main())
