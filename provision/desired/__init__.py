"""The desired state: contracts/ read by the one validating loader into frozen typed values (tables, backups,
environments, waivers), each mistake a Problem at file:line; nothing here talks to AWS.
"""
