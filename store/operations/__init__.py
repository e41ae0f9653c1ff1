"""Operations: what an operator runs and keeps (backups, privacy, retention, installations): what
is stored and read back."""
