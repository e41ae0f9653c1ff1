"""Nurture: cadences that remind a lead's owner of each step, and who is not to be contacted: the
use cases."""
