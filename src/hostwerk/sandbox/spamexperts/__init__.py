"""SpamExperts control-panel API simulator (no Django): `server.start()` for tests, `server.main()` for the CLI."""
