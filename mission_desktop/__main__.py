from mission_desktop.cli import main

raise SystemExit(main())
