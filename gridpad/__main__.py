from gridpad.cli import main

raise SystemExit(main())
