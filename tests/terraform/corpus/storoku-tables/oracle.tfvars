allowed_account_id = "123456789012"
region             = "us-west-2"
environment        = "prod"
app                = "indexer"
tables = [
  {
    name       = "providers"
    attributes = [{ name = "provider", type = "S" }, { name = "contextID", type = "B" }, { name = "expiration", type = "N" }]
    hash_key   = "provider"
    range_key  = "contextID"
    global_secondary_indexes = [{ name = "expires", hash_key = "provider", range_key = "expiration", projection_type = "KEYS_ONLY" }]
    local_secondary_indexes  = [{ name = "byExpiration", range_key = "expiration", projection_type = "INCLUDE", non_key_attributes = ["contextID"] }]
  },
  {
    name       = "metadata"
    attributes = [{ name = "cid", type = "S" }]
    hash_key   = "cid"
  },
]
