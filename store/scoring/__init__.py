"""Scoring: rule scores, engagement, qualification and the predictive chance: what is stored and read back."""
