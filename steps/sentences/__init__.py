"""The sentence library: one module per subject, each registering its sentences in the catalogue.

`MODULES` is the list the plugin loads into pytest (where it is active) and the catalogue imports to
know every sentence.
"""

MODULES = [
    "steps.sentences.tables",
    "steps.sentences.indexes",
    "steps.sentences.backups",
    "steps.sentences.alarms",
    "steps.sentences.inventory",
    "steps.sentences.desired",
    "steps.sentences.access",
]
