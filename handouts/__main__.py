from handouts.cli import main

raise SystemExit(main())
