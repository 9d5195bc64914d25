from docpub.cli import main

raise SystemExit(main())
