"""Importing: a CRM export or spreadsheet read row by row in each row's own context: the use cases."""
