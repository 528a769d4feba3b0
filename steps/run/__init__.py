"""One contract run: its options, its session (the backend, the sources, the targets the checks look at) and the
recorder that turns each scenario's claims into findings.
"""
