"""CI-native output of a contract run: GitHub annotations and SARIF, from the run's plain results."""
