"""Operations: what an operator runs and keeps (backups, privacy, retention, installations): the use cases."""
