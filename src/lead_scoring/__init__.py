"""Warehouse-native lead scoring: the Python modules of its runs."""
