"""The consumers' features as read: parsing the .feature files (through steps.compat), their authoring mistakes
at file:line, and what they require of the stack (tables, indexes, keys), before any check runs.
"""
