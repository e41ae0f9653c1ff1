"""Scoring: rule scores, engagement, qualification and the predictive chance: the rules, pure."""
