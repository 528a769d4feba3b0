"""The sentence library: one module per subject, each registering its sentences in the catalogue.

`MODULES` is the list the plugin loads into pytest (where it is active) and the catalogue imports to
know every sentence.
"""

MODULES = [
    "dynamo_contracts.steps.sentences.tables",
    "dynamo_contracts.steps.sentences.indexes",
    "dynamo_contracts.steps.sentences.backups",
    "dynamo_contracts.steps.sentences.alarms",
    "dynamo_contracts.steps.sentences.inventory",
    "dynamo_contracts.steps.sentences.desired",
    "dynamo_contracts.steps.sentences.access",
]
