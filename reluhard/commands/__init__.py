"""One module per ``reluhard`` subcommand (see ``reluhard.cli``)."""
