"""Collects the platform contracts: every .feature in this folder (see steps/ for the sentences)."""

from pytest_bdd import scenarios

scenarios(".")
