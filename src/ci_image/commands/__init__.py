"""One module per command: arguments, then a call into the core, then output."""
